"""The owners of concepts the nightly job, batch jobs, the API and the console share (issue 16):
each is defined once and tested here at its boundaries."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from assign import repository
from assign.db import session_scope
from assign.decisions import Action, Decision, bound_court
from assign.plans import Move, moves_between
from assign.receiving import NotReceivable, receiving_court_problem
from tests.factories import make_case, make_network

# ---------------------------------------------------------------- assign.plans.moves_between


def test_moves_between_two_plans_name_added_removed_and_moved_cases() -> None:
    before = {"a": "B510105", "b": "B510112", "c": "B510105"}
    after = {"a": "B510105", "b": "B510105", "d": "B510112"}
    moves = moves_between(before, after)
    assert moves == [Move("b", "B510112", "B510105"), Move("c", "B510105", None), Move("d", None, "B510112")]
    assert [m.moved for m in moves] == [True, False, False]
    assert moves_between(after, after) == []


# ---------------------------------------------------------------- assign.receiving


@pytest.mark.parametrize(("target", "original", "expected"), [
    ("B510105", ("B510104",), None),  # another court of the forum's jurisdiction
    ("B510104", ("B510104",), NotReceivable.ORIGINAL),  # CPL Art. 237: "other" courts only
    ("B510105", ("B510104", "B510105"), NotReceivable.ORIGINAL),  # the entrusted court neither
    ("B510703", ("B510104",), NotReceivable.OUTSIDE),  # another prefecture: not 本辖区
    ("X999999", ("B510104",), NotReceivable.UNKNOWN),
])
def test_a_receiving_court_is_another_court_within_the_forums_jurisdiction(
        target: str, original: tuple[str, ...], expected: NotReceivable | None) -> None:
    assert receiving_court_problem(make_network(), target=target, forum="I510100", original=original) is expected


# ---------------------------------------------------------------- assign.decisions.bound_court


@pytest.mark.parametrize(("action", "target", "recommended", "expected"), [
    (Action.ACCEPT, "B510105", "B510105", "B510105"),
    (Action.ACCEPT, None, "B510105", "B510105"),  # an accept binds the recommended court
    (Action.OVERRIDE, "B510112", "B510105", "B510112"),  # an override binds the chosen court
    (Action.REJECT, None, "B510105", None),  # a reject binds nothing: the case is free again
])
def test_a_decision_binds_its_cases_to_the_accepted_or_chosen_court(
        action: Action, target: str | None, recommended: str, expected: str | None) -> None:
    decision = Decision(recommendation_id=1, plan_id="p", case_nos='["a"]', action=action.value,
                        recommended_court=recommended, target_court=target, reason="r")
    assert bound_court(decision) == expected


# ---------------------------------------------------------------- assign.repository: the keyset scan


def test_the_keyset_scan_pages_through_every_open_case_once(engine: Engine) -> None:
    """One keyset scan behind `iter_cases` and the store pass's ranges (a one-column page once
    made the next key the first character of the last case number: an endless scan)."""
    nos = [f"(2024)川0104执{n}号" for n in range(1, 8)]
    with session_scope(engine) as session:
        for no in nos:
            repository.save_case(session=session, case=make_case(no))
        repository.save_case(session=session, case=make_case("(2023)川0104执1号", status="concluded"))
    with session_scope(engine) as session:
        ranges = list(repository.case_no_ranges(session=session, size=3))
        pages = [[c.case_no for c in page] for page in repository.iter_cases(session=session, batch_size=3)]
        middle = repository.case_records_between(session=session, first=ranges[1][0], last=ranges[1][1])
    ordered = sorted(nos)
    assert ranges == [(ordered[0], ordered[2], 3), (ordered[3], ordered[5], 3), (ordered[6], ordered[6], 1)]
    assert pages == [ordered[0:3], ordered[3:6], ordered[6:]]
    assert [r.case_no for r in middle] == ordered[3:6]


@pytest.mark.parametrize(("n", "size"), [(0, 3), (1, 1), (6, 3), (7, 3), (5, 10), (9, 2)])
def test_the_store_pass_ranges_cut_the_ordered_case_numbers_into_runs_of_size(engine: Engine, n: int,
                                                                               size: int) -> None:
    """Every (status-filtered) case number in exactly one range, `size` a range in order, the last one shorter
    and never empty; every status with None."""
    nos = [f"(2024)川0104执{k}号" for k in range(1, n + 1)]
    with session_scope(engine) as session:
        for k, no in enumerate(nos):
            repository.save_case(session=session, case=make_case(no, status="concluded" if k % 3 == 2 else "open"))
    with session_scope(engine) as session:
        opened = list(repository.case_no_ranges(session=session, size=size))
        every = list(repository.case_no_ranges(session=session, size=size, status=None))
    for ranges, wanted in ((opened, sorted(no for k, no in enumerate(nos) if k % 3 != 2)), (every, sorted(nos))):
        runs = [wanted[i : i + size] for i in range(0, len(wanted), size)]
        assert ranges == [(run[0], run[-1], len(run)) for run in runs]


def test_the_keyset_scan_over_some_courts_reads_only_their_cases(engine: Engine) -> None:
    """The node-alert pass of one jurisdiction uses the same scan, narrowed to its courts: a case of another
    court between two of theirs is in no range and no range's records."""
    mine = [f"(2024)川0104执{n}号" for n in (1, 3, 5, 7)]
    other = [f"(2024)川0104执{n}号" for n in (2, 4, 6)]
    with session_scope(engine) as session:
        for no in mine:
            repository.save_case(session=session, case=make_case(no))
        for no in other:
            repository.save_case(session=session, case=make_case(no, court_code="B510105"))
    with session_scope(engine) as session:
        ranges = list(repository.case_no_ranges(session=session, size=2, court_codes=["B510104"]))
        read = [r.case_no for first, last, _ in ranges for r in repository.case_records_between(
            session=session, first=first, last=last, court_codes=["B510104"])]
        unscoped = repository.case_records_between(session=session, first=ranges[0][0], last=ranges[0][1])
    ordered = sorted(mine)
    assert ranges == [(ordered[0], ordered[1], 2), (ordered[2], ordered[3], 2)]
    assert read == ordered
    assert {r.case_no for r in unscoped} - set(mine)  # without the courts, the range holds the other court's cases too
