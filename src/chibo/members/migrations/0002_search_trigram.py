"""Fast diacritic-free name search: a trigram index on PostgreSQL; SQLite scans (fine at a
province's scale). This is the seam DESIGN.md asks for: one migration, both databases."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS members_member_search_trgm "
        "ON members_member USING gin (search_name gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_member_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
