"""OrgPeriodStat's key becomes its own (org_id, metric, day): the surrogate id, its
sequence and its index go. An import of half a million members writes millions of these
rows; each paid a sequence call and an entry in a second index (a third of the insert).

PostgreSQL: the covering unique index (INCLUDE value) becomes the primary key as it is, so
nothing is rebuilt and the report sums stay index-only scans. SQLite cannot change a
table's key: the table is made anew with the rows copied.
"""

from django.db import migrations, models

TABLE = "members_orgperiodstat"

POSTGRESQL = [
    f"ALTER TABLE {TABLE} DROP CONSTRAINT {TABLE}_pkey",
    f"ALTER TABLE {TABLE} DROP COLUMN id",
    f"ALTER TABLE {TABLE} ADD CONSTRAINT orgperiodstat_unique "
    "PRIMARY KEY USING INDEX orgperiodstat_unique",
]

SQLITE = [
    f'CREATE TABLE "{TABLE}__new" ("day" date NOT NULL, "metric" varchar(32) NOT NULL, '
    '"value" integer NOT NULL, "org_id" bigint NOT NULL, '
    'PRIMARY KEY ("org_id", "metric", "day"))',
    f'INSERT INTO "{TABLE}__new" (day, metric, value, org_id) '
    f'SELECT day, metric, value, org_id FROM "{TABLE}"',
    f'DROP TABLE "{TABLE}"',
    f'ALTER TABLE "{TABLE}__new" RENAME TO "{TABLE}"',
]


def forwards(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_unique_without_pattern_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, migrations.RunPython.noop)],
            state_operations=[
                migrations.RemoveConstraint(model_name="orgperiodstat", name="orgperiodstat_unique"),
                migrations.RemoveField(model_name="orgperiodstat", name="id"),
                migrations.AddField(
                    model_name="orgperiodstat",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "org", "metric", "day", blank=True, editable=False, primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
        ),
    ]
