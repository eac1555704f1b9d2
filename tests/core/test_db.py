"""The ASCII code columns compare byte by byte (`core.db.AsciiCharField`, migration
members 0014)."""

import pytest
from django.db import connection

from chibo.core.db import AsciiCharField
from chibo.members.models import Member, MemberEvent
from chibo.members.stats_models import OrgPeriodStat

# (table, column) of every ASCII column, with the search dictionary's sort key
ASCII_COLUMNS = {
    ("members_member", "member_code"),
    ("members_member", "national_id"),
    ("members_member", "sort_key"),
    ("members_member", "status"),
    ("members_memberevent", "kind"),
    ("members_orgperiodstat", "metric"),
}


def test_the_models_declare_the_ascii_columns():
    declared = {
        (model._meta.db_table, field.column)
        for model in (Member, MemberEvent, OrgPeriodStat)
        for field in model._meta.concrete_fields
        if isinstance(field, AsciiCharField)
    }
    assert declared == ASCII_COLUMNS


@pytest.mark.django_db
def test_postgresql_compares_them_byte_by_byte_and_sqlite_as_all_its_text():
    field = Member._meta.get_field("member_code")
    collation = field.db_parameters(connection).get("collation")
    if connection.vendor != "postgresql":
        assert collation is None  # SQLite's own comparison is byte by byte
        return
    assert collation == "C"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND collation_name IS NOT NULL "
            "AND table_name LIKE 'members\\_%%'"
        )
        found = {(t, c): name for t, c, name in cursor.fetchall()}
        # the rename trigger was made again around the change of sort_key
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'members_member'::regclass "
            "AND NOT tgisinternal"
        )
        (triggers,) = cursor.fetchone()
    assert found == {
        **dict.fromkeys(ASCII_COLUMNS, "C"),
        ("members_searchname", "sort_key"): "C",
    }
    assert triggers == 2
