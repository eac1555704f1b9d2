"""Database seams: a PostgreSQL speed-up with its SQLite fallback (DESIGN.md, Stack)."""

import copy
from typing import Any

from django.db import models


class CoveringUniqueConstraint(models.UniqueConstraint):
    """A unique constraint whose `include` columns make it a covering index where the
    database has them (PostgreSQL: sums read by index-only scans), and a plain unique
    constraint elsewhere (SQLite). Django's own UniqueConstraint leaves the whole
    constraint out where INCLUDE is unsupported, and ON CONFLICT needs it."""

    def _here(self, schema_editor: Any) -> models.UniqueConstraint:
        # django-stubs does not declare UniqueConstraint.include
        include = self.include  # type: ignore[attr-defined]
        if include and not schema_editor.connection.features.supports_covering_indexes:
            plain = copy.copy(self)
            plain.include = ()  # type: ignore[attr-defined]
            return plain
        return self

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        return models.UniqueConstraint.constraint_sql(
            self._here(schema_editor), model, schema_editor
        )

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        return models.UniqueConstraint.create_sql(self._here(schema_editor), model, schema_editor)

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        return models.UniqueConstraint.remove_sql(self._here(schema_editor), model, schema_editor)


class AsciiCharField(models.CharField):
    """Text made of ASCII codes (member ids, statuses, metric names, sort keys), compared
    byte by byte: PostgreSQL's "C" collation, the way SQLite compares all text.

    PostgreSQL then compares them without the locale's library: an import of half a
    million members sorts and indexes millions of these values. Letters and digits alone
    (the sort keys) order as under any locale; codes with punctuation ("M-10") order by
    their bytes, as on SQLite and under `C.UTF-8`, where a locale such as `en_US` would
    skip the punctuation. Elsewhere the column is a plain one.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
