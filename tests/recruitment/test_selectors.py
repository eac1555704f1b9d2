"""The pipeline board and the due list, against hand-made people at known stages and dates."""

import datetime as dt

from django.utils import timezone

from chibo.accounts.access import scope_for
from chibo.core.periods import add_months
from chibo.core.workdays import add_working_days
from chibo.recruitment import rules, selectors
from chibo.recruitment.models import Candidate, Stage
from chibo.recruitment.services import derive

TODAY = timezone.localdate()


def _person(cell, key: str, **steps) -> Candidate:  # type: ignore[no-untyped-def]
    c = Candidate(person_id=key, given_name=key, birth_date=dt.date(2000, 1, 1), gender="male",
                  org=cell, sort_key=key, proposed_on=dt.date(2024, 1, 1), **steps)  # fmt: skip
    if "stage" not in steps:
        c.stage = Stage.ADMITTED if c.decision_on else Stage.SYMPATHIZER
    c.stage, c.stage_since, c.due_on, c.due_what = derive(c)
    c.save()
    return c


def _admitted(cell, key: str, *, ceremony: dt.date | None, **more) -> Candidate:  # type: ignore[no-untyped-def]
    decision = ceremony - dt.timedelta(days=7) if ceremony else TODAY - dt.timedelta(days=5)
    probation = rules.probation_end(ceremony) if ceremony else None
    return _person(cell, key, decision_on=decision, ceremony_on=ceremony,
                   probation_ends_on=probation, **more)  # fmt: skip


def test_the_due_list_sorts_people_into_its_four_lists(world):
    c1, c3 = world.org("C1"), world.org("C3")
    waiting = _person(c1, "waiting", cell_resolution_on=TODAY - dt.timedelta(days=200))
    fresh = _person(c1, "fresh", cell_resolution_on=TODAY - dt.timedelta(days=3))
    no_ceremony = _admitted(c1, "no-ceremony", ceremony=None)
    ending = _admitted(c1, "ending", ceremony=add_months(TODAY + dt.timedelta(days=10), -12))
    later = _admitted(c1, "later", ceremony=add_months(TODAY + dt.timedelta(days=40), -12))
    overdue = _admitted(c1, "overdue", ceremony=add_months(TODAY, -15))
    _admitted(c3, "elsewhere", ceremony=add_months(TODAY, -15))  # another district
    due = selectors.due_list(scope_for(world.users["alice"]), world.org("D1"))
    assert [c.pk for c in due.decisions.rows] == [waiting.pk, fresh.pk]  # by deadline
    assert waiting.due_on < TODAY < fresh.due_on
    assert fresh.due_on == add_working_days(fresh.cell_resolution_on, 60)
    assert [c.pk for c in due.ceremonies.rows] == [no_ceremony.pk]
    assert [c.pk for c in due.probations_ending.rows] == [ending.pk]
    assert later.pk not in {c.pk for c in due.probations_ending.rows}
    assert [c.pk for c in due.recognitions_overdue.rows] == [overdue.pk]
    assert (due.decisions.total, due.recognitions_overdue.total) == (2, 1)


def test_a_long_due_list_shows_its_first_rows_and_counts_the_rest(world, monkeypatch):
    monkeypatch.setattr(selectors, "DUE_ROWS", 3)
    c1 = world.org("C1")
    for i in range(5):
        _person(c1, f"p{i}", cell_resolution_on=TODAY - dt.timedelta(days=100 - i))
    due = selectors.due_list(scope_for(world.users["sam"]), c1)
    assert len(due.decisions.rows) == 3 and due.decisions.total == 5
    assert [c.person_id for c in due.decisions.rows] == ["p0", "p1", "p2"]


def test_the_board_counts_each_stage_of_the_subtree(world):
    c1, c2, c3 = world.org("C1"), world.org("C2"), world.org("C3")
    _person(c1, "a")
    _person(c2, "b")
    _person(c3, "c")
    _person(c1, "d", cell_resolution_on=TODAY - dt.timedelta(days=3))
    _admitted(c2, "e", ceremony=None)
    for key, day in (
        ("f", TODAY.replace(month=1, day=1)),
        ("g", TODAY.replace(month=1, day=1) - dt.timedelta(days=1)),
    ):
        _person(c1, key, stage=Stage.RECOGNIZED, recognition_decided_on=day, decision_on=day)
    board = {
        col.stage: col for col in selectors.board(scope_for(world.users["olga"]), world.org("D1"))
    }
    # the last column: recognized this year only ("g" was recognized last year)
    assert [board[s].count for s in board] == [2, 0, 0, 1, 0, 1, 1]
    assert [c.person_id for c in board[Stage.RECOGNIZED].cards] == ["f"]
    assert {c.person_id for c in board[Stage.SYMPATHIZER].cards} == {"a", "b"}
    whole = selectors.board(scope_for(world.users["olga"]), world.org("BT"))
    assert sum(col.count for col in whole) == 6
    # outside the reader's scope the board is empty, not someone else's
    assert (
        sum(c.count for c in selectors.board(scope_for(world.users["bob"]), world.org("D1"))) == 0
    )


def test_people_move_with_their_cell_when_the_tree_is_restructured(world):
    from chibo.orgs.services import Decision, org_move

    c = _person(world.org("C1"), "moving")
    org_move(
        actor=None,
        org=world.org("G1"),
        new_parent=world.org("D2"),
        decision=Decision(number="9-QĐ/TU", date=dt.date(2024, 1, 1), issuer="Tỉnh ủy"),
    )
    c.refresh_from_db()
    assert c.org_path == world.org("C1").path and c.org_path.startswith(world.org("D2").path)
    olga = scope_for(world.users["olga"])
    d1 = {col.stage: col.count for col in selectors.board(olga, world.org("D1"))}
    d2 = {col.stage: col.count for col in selectors.board(olga, world.org("D2"))}
    assert (d1[Stage.SYMPATHIZER], d2[Stage.SYMPATHIZER]) == (0, 1)
