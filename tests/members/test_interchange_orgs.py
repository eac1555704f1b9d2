"""`import orgs`: the tree, matched on unit codes (chibo.members.interchange.import_orgs)."""

import datetime as dt

import pytest
from django.utils import translation

from chibo.core.models import AuditEntry
from chibo.orgs.models import STEP_LENGTH, Organization

from .test_interchange_members import counts, errors, run
from .test_interchange_readers import write_csv, write_xlsx

HEADER = ["code", "parent_code", "name", "kind", "sector", "established_on"]
VI_HEADER = ["Mã", "Mã đơn vị cấp trên", "Tên đơn vị", "Loại đơn vị", "Loại hình", "Ngày thành lập"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_new_subtree_in_any_order_under_an_existing_unit(world, tmp_path):
    rows = [
        VI_HEADER,
        ["C9", "G9", "Chi bộ thôn 9", "Chi bộ trực thuộc", "commune", "01/01/2005"],
        ["G9", "D2", "Đảng bộ xã Z9", "grassroots_committee", "Xã", dt.date(2004, 1, 1)],
        ["C8", "D2", "Chi bộ trường B", "grassroots_cell", "school", ""],
    ]
    before = counts()
    report = run(write_xlsx(tmp_path / "tree.xlsx", rows), "orgs")
    assert report.errors == []
    assert (report.rows, report.created) == (3, 3)
    d2 = world.org("D2")
    g9, c9, c8 = (Organization.objects.get(code=c) for c in ("G9", "C9", "C8"))
    assert g9.parent == d2 and c9.parent == g9 and c8.parent == d2
    assert (g9.kind, g9.sector, g9.established_on) == (
        "grassroots_committee",
        "commune",
        dt.date(2004, 1, 1),
    )
    assert c9.kind == "subordinate_cell" and c8.established_on is None
    assert c9.path.startswith(g9.path) and len(c9.path) == 4 * STEP_LENGTH
    assert (g9.depth, c9.depth) == (3, 4)
    assert (d2.numchild, g9.numchild, c9.numchild) == (3, 1, 0)
    assert len({o.path for o in Organization.objects.all()}) == Organization.objects.count()
    after = counts()
    assert after["Organization"] == before["Organization"] + 3
    assert after["AuditEntry"] == before["AuditEntry"] + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "import.orgs" and entry.org_id == d2.pk


def test_the_same_tree_again_is_unchanged(world, tmp_path):
    rows = [HEADER, ["BT", "", "Tỉnh ủy Bình Thuận", "provincial_committee", "other", "2000-01-01"],
            ["C1", "G1", "Chi bộ thôn 1", "subordinate_cell", "commune", "2000-01-01"]]  # fmt: skip
    before = counts()
    report = run(write_csv(tmp_path / "t.csv", rows), "orgs")
    assert report.errors == [] and (report.created, report.unchanged) == (0, 2)
    assert counts() == before


def test_a_top_unit_on_the_command_line(db, tmp_path):
    rows = [HEADER, ["HN", "", "Thành ủy Hà Nội", "provincial_committee", "", ""]]
    report = run(write_csv(tmp_path / "t.csv", rows), "orgs")
    assert report.errors == [] and Organization.objects.get(code="HN").depth == 1


def test_every_bad_row_is_reported_and_nothing_is_written(world, tmp_path):
    rows = [
        HEADER,
        ["N1", "D1", "Chi bộ mới", "grassroots_cell", "commune", "2010-01-01"],  # 2: fine
        ["N2", "XX", "Chi bộ lạc", "grassroots_cell", "commune", ""],  # 3: unknown parent
        ["N3", "D1", "Chi bộ lạ", "galaxy", "commune", ""],  # 4: unknown kind
        ["N4", "D1", "Chi bộ lạ", "grassroots_cell", "moon", ""],  # 5: unknown sector
        ["N5", "D1", "Chi bộ lạ", "grassroots_cell", "commune", "30/02/2010"],  # 6: no such day
        ["N1", "D1", "Chi bộ mới lần hai", "grassroots_cell", "commune", ""],  # 7: code again
        ["N6", "C1", "Chi bộ dưới chi bộ", "subordinate_cell", "commune", ""],  # 8: kind under kind
        ["C1", "G1", "Chi bộ đổi tên", "subordinate_cell", "commune", "2000-01-01"],  # 9: differs
        ["N7", "N8", "Vòng một", "partial_committee", "commune", ""],  # 10: a circle
        ["N8", "N7", "Vòng hai", "grassroots_committee", "commune", ""],  # 11: a circle
        ["N9", "", "Tỉnh lẻ", "grassroots_cell", "commune", ""],  # 12: not a top kind
        ["", "D1", "", "grassroots_cell", "commune", ""],  # 13: no code, no name
    ]
    before = counts()
    report = run(write_csv(tmp_path / "bad.csv", rows), "orgs")
    assert errors(report) == {
        (3, "parent_code"),
        (4, "kind"),
        (5, "sector"),
        (6, "established_on"),
        (7, "code"),
        (8, "kind"),
        (9, "name"),
        (10, "parent_code"),
        (11, "kind"),
        (11, "parent_code"),
        (12, "parent_code"),
        (13, "code"),
        (13, "name"),
    }
    assert counts() == before


def test_a_scoped_import_cannot_reach_outside(world, tmp_path):
    rows = [
        HEADER,
        ["N1", "C3", "x", "subordinate_cell", "", ""],  # under a foreign unit
        ["N2", "NOPE", "y", "subordinate_cell", "", ""],  # under no unit at all
        ["N3", "", "z", "provincial_committee", "", ""],  # a new top unit
        ["N4", "G1", "w", "subordinate_cell", "", ""],  # fine: inside D1
    ]
    before = counts()
    report = run(write_csv(tmp_path / "t.csv", rows), "orgs", root=world.org("D1"))
    assert errors(report) == {(2, "parent_code"), (3, "parent_code"), (4, "parent_code")}
    foreign, missing = report.errors[0].message, report.errors[1].message
    assert foreign.replace("C3", "NOPE") == missing
    assert counts() == before
