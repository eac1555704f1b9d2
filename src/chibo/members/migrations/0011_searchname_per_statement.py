"""PostgreSQL only: new members' names reach `members_searchname` once per statement.

The insert trigger of 0005 ran once per row; an import of half a million members paid half
a million calls. It now runs once per statement over the statement's new rows (a
transition table), adding their distinct names. The rename trigger stays per row (a
trigger on chosen columns cannot see a transition table, and renames come one at a time).
"""

from django.db import migrations

STATEMENT_SQL = """
CREATE FUNCTION members_searchname_add_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO members_searchname (sort_key, search_name)
    SELECT DISTINCT sort_key, search_name FROM added
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS members_member_searchname_insert ON members_member;
CREATE TRIGGER members_member_searchname_insert AFTER INSERT ON members_member
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION members_searchname_add_rows();
"""

ROW_SQL = """
DROP TRIGGER IF EXISTS members_member_searchname_insert ON members_member;
CREATE TRIGGER members_member_searchname_insert AFTER INSERT ON members_member
    FOR EACH ROW EXECUTE FUNCTION members_searchname_add();
DROP FUNCTION IF EXISTS members_searchname_add_rows();
"""


def per_statement(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATEMENT_SQL)


def per_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ROW_SQL)


class Migration(migrations.Migration):
    dependencies = [("members", "0010_fewer_indexes")]

    operations = [migrations.RunPython(per_statement, per_row)]
