"""Search matches word starts: `search_name` becomes the folded name after a space.

1. Every member's `search_name` is recomputed (`chibo.core.text.search_key`): " nguyen van duc".
   A query word is then looked for as " word", so "anh" finds Anh and Ánh but not Thanh.
2. PostgreSQL only (the seam of 0002): the trigram index moves from the member table to a
   table of the distinct names, `members_searchname` (sort_key, search_name), which triggers
   on `members_member` keep complete under every insert and rename, whoever writes the row
   (services, imports, COPY). A search over the whole tree finds the matching names there
   and reads their members in name order (`chibo.members.selectors`). Names are never
   removed from it: a name nobody bears any more matches no member, which costs nothing.
   SQLite keeps scanning the member table, which is fine at a province's scale.
"""

from django.db import migrations

from chibo.core.text import fold

BATCH = 5_000

DICTIONARY_SQL = """
CREATE TABLE members_searchname (
    sort_key varchar(600) NOT NULL,
    search_name varchar(200) NOT NULL,
    PRIMARY KEY (sort_key, search_name)
);
CREATE INDEX members_searchname_trgm ON members_searchname USING gin (search_name gin_trgm_ops);
CREATE FUNCTION members_searchname_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO members_searchname (sort_key, search_name)
    VALUES (NEW.sort_key, NEW.search_name)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER members_member_searchname_insert AFTER INSERT ON members_member
    FOR EACH ROW EXECUTE FUNCTION members_searchname_add();
CREATE TRIGGER members_member_searchname_update AFTER UPDATE OF sort_key, search_name
    ON members_member FOR EACH ROW
    WHEN (OLD.sort_key IS DISTINCT FROM NEW.sort_key
          OR OLD.search_name IS DISTINCT FROM NEW.search_name)
    EXECUTE FUNCTION members_searchname_add();
INSERT INTO members_searchname (sort_key, search_name)
    SELECT DISTINCT sort_key, search_name FROM members_member;
ANALYZE members_searchname;
"""

DROP_DICTIONARY_SQL = """
DROP TRIGGER IF EXISTS members_member_searchname_update ON members_member;
DROP TRIGGER IF EXISTS members_member_searchname_insert ON members_member;
DROP FUNCTION IF EXISTS members_searchname_add();
DROP TABLE IF EXISTS members_searchname;
"""


def _key(family: str, middle: str, given: str) -> str:
    # As chibo.core.text.search_key does today (kept here so this step stays what it was).
    folded = fold(" ".join(p for p in (family, middle, given) if p))
    return f" {folded}" if folded else ""


def _write(schema_editor, changed: list[tuple[int, str]]) -> None:
    if not changed:
        return
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE members_member AS m SET search_name = v.search_name "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, search_name) WHERE m.id = v.id",
                [[pk for pk, _ in changed], [key for _, key in changed]],
            )
        else:
            cursor.executemany(
                "UPDATE members_member SET search_name = %s WHERE id = %s",
                [(key, pk) for pk, key in changed],
            )


def recompute_search_names(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    members = Member.objects.using(schema_editor.connection.alias).order_by("pk")
    keys: dict[tuple[str, str, str], str] = {}  # many people share a name
    last = 0
    while True:
        rows = list(
            members.filter(pk__gt=last).values_list(
                "pk", "family_name", "middle_name", "given_name", "search_name"
            )[:BATCH]
        )
        if not rows:
            return
        changed = []
        for pk, family, middle, given, old in rows:
            name = (family, middle, given)
            key = keys.get(name)
            if key is None:
                key = keys[name] = _key(*name)
            if key != old:
                changed.append((pk, key))
        _write(schema_editor, changed)
        last = rows[-1][0]


def restore_search_names(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET search_name = LTRIM(search_name, ' ')")


def drop_member_trigram(apps, schema_editor):
    # Before the rewrite of every row, so that the rewrite does not maintain it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_member_search_trgm")


def create_member_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS members_member_search_trgm "
            "ON members_member USING gin (search_name gin_trgm_ops)"
        )


def create_dictionary(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DICTIONARY_SQL)


def drop_dictionary(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP_DICTIONARY_SQL)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_import_job")]
    operations = [
        migrations.RunPython(drop_member_trigram, create_member_trigram),
        migrations.RunPython(recompute_search_names, restore_search_names),
        migrations.RunPython(create_dictionary, drop_dictionary),
    ]
