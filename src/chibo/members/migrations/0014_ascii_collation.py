"""PostgreSQL: the ASCII code columns compare byte by byte (collation "C").

Member ids, national IDs, statuses, event kinds, metric names and the name sort keys
(`core.text.sort_key`: lowercase ASCII letters) are ASCII codes. A locale collation
compares each pair through the C library and cannot abbreviate keys when sorting. The
sort keys order as before under any locale; codes with punctuation now order by their
bytes everywhere (as on SQLite and under `C.UTF-8`; `en_US` skips the punctuation). An
import of half a million members compares millions of them: inserting its summary rows
and sorting them took about half as long again. Changing a collation
rewrites no table; PostgreSQL rebuilds the indexes on these columns (minutes for a
national database). SQLite compares text byte by byte already: its tables stay as they are.

The rename trigger of `members_member` names sort_key, so it is made again around the change.
"""

from django.db import migrations

import chibo.core.db

COLUMNS = [  # table, column, type
    ("members_member", "member_code", "varchar(32)"),
    ("members_member", "national_id", "varchar(12)"),
    ("members_member", "sort_key", "varchar(600)"),
    ("members_member", "status", "varchar(16)"),
    ("members_memberevent", "kind", "varchar(20)"),
    ("members_orgperiodstat", "metric", "varchar(32)"),
    ("members_searchname", "sort_key", "varchar(600)"),
]

TRIGGER = """
CREATE TRIGGER members_member_searchname_update
    AFTER UPDATE OF sort_key, search_name ON members_member
    FOR EACH ROW
    WHEN (OLD.sort_key IS DISTINCT FROM NEW.sort_key
          OR OLD.search_name IS DISTINCT FROM NEW.search_name)
    EXECUTE FUNCTION members_searchname_add();
"""


def _collate(schema_editor, collation):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS members_member_searchname_update ON members_member"
    )
    tables: dict[str, list[str]] = {}
    for table, column, kind in COLUMNS:
        tables.setdefault(table, []).append(
            f"ALTER COLUMN {column} TYPE {kind} COLLATE {collation}"
        )
    for table, changes in tables.items():
        schema_editor.execute(f"ALTER TABLE {table} {', '.join(changes)}")
    schema_editor.execute(TRIGGER)


def to_bytes(apps, schema_editor):
    _collate(schema_editor, '"C"')


def to_locale(apps, schema_editor):
    _collate(schema_editor, '"default"')


class Migration(migrations.Migration):
    dependencies = [("members", "0013_orgperiodstat_natural_key")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(to_bytes, to_locale)],
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="member_code",
                    field=chibo.core.db.AsciiCharField(max_length=32, verbose_name="member id"),
                ),
                migrations.AlterField(
                    model_name="member",
                    name="national_id",
                    field=chibo.core.db.AsciiCharField(
                        blank=True, max_length=12, null=True, verbose_name="national ID"
                    ),
                ),
                migrations.AlterField(
                    model_name="member",
                    name="sort_key",
                    field=chibo.core.db.AsciiCharField(editable=False, max_length=600),
                ),
                migrations.AlterField(
                    model_name="member",
                    name="status",
                    field=chibo.core.db.AsciiCharField(
                        choices=[
                            ("probationary", "Probationary"),
                            ("official", "Official"),
                            ("exempted", "Exempted from activity"),
                            ("removed", "Removed from the list"),
                            ("expelled", "Expelled"),
                            ("left", "Left the party"),
                            ("deceased", "Deceased"),
                        ],
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                migrations.AlterField(
                    model_name="memberevent",
                    name="kind",
                    field=chibo.core.db.AsciiCharField(
                        choices=[
                            ("admitted", "Admitted (probationary)"),
                            ("recognized", "Recognized as official"),
                            ("transferred", "Transferred"),
                            ("removed", "Removed from the list"),
                            ("expelled", "Expelled"),
                            ("left", "Left the party"),
                            ("died", "Died"),
                            ("reinstated", "Reinstated"),
                            ("probation_failed", "Probation failed"),
                            ("exempted", "Exempted from activity"),
                            ("exemption_ended", "Exemption ended"),
                            ("voided", "Correction: event voided"),
                        ],
                        max_length=20,
                        verbose_name="event",
                    ),
                ),
                migrations.AlterField(
                    model_name="orgperiodstat",
                    name="metric",
                    field=chibo.core.db.AsciiCharField(max_length=32),
                ),
            ],
        ),
    ]
