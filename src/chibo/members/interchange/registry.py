"""Kinds of file that other apps import through the same machinery (`chibo import KIND`).

An app to the right of members (targets, recruitment …) registers its kind in its
AppConfig.ready(): its columns (English keys and Vietnamese labels) and an importer class
with the interface of OrgImport (`read(table, columns)`, `write()`, `touched`,
`stat_changes`). The kind then gets the same all-or-nothing import, error report and
audit row as the built-in three.
"""

from typing import Any

from . import columns as table
from . import importers

# kind → its name for people (the upload form's choice, the list of imports)
LABELS: dict[str, Any] = {}


def register_kind(kind: str, *, columns: tuple[Any, ...], importer: type, label: Any) -> None:
    LABELS[kind] = label
    table.COLUMNS[kind] = columns
    if kind not in table.IMPORT_KINDS:
        table.IMPORT_KINDS.append(kind)
    importers.IMPORTS[kind] = importer
