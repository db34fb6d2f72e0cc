"""The checks every forum plan passes before it is stored, batch job and nightly run alike
(`api.service.forum_plan.check_result`): each case on a legal receiving court of its own forum
(Art. 237, 本辖区: `assign.receiving`), only the cases asked, decided cases where their decision
binds them, and no validator finding."""

from __future__ import annotations

from api.service.forum_plan import ForumResult, check_result
from solver.instance import AssignmentPlan, PlanStatus
from tests.factories import make_network

CASE, OTHER = "(2024)川0104执1号", "(2024)川0104执2号"


def result(assignments: dict[str, str], *, violations: list[str] | None = None) -> ForumResult:
    plan = AssignmentPlan(plan_id="p", status=PlanStatus.OPTIMAL, assignments=assignments,
                          violations=violations or [])
    return ForumResult(forum="I510100", plan=plan, recommendations=[])


def test_a_court_inside_the_forums_jurisdiction_passes() -> None:
    assert check_result(result({CASE: "B510105"}), forums={CASE: "I510100"}, pins={}, network=make_network()) == []


def test_a_court_outside_the_forums_jurisdiction_is_a_problem() -> None:
    problems = check_result(result({CASE: "B510703"}), forums={CASE: "I510100"}, pins={}, network=make_network())
    assert problems == [f"{CASE} placed on B510703: outside the forum's jurisdiction (I510100)"]


def test_each_case_is_checked_against_its_own_forum() -> None:
    """A batch over a high court's jurisdiction holds cases of several forums."""
    forums = {CASE: "I510100", OTHER: "I510700"}
    network = make_network()
    assert check_result(result({CASE: "B510105", OTHER: "B510781"}), forums=forums, pins={}, network=network) == []
    problems = check_result(result({CASE: "B510105", OTHER: "B510112"}), forums=forums, pins={}, network=network)
    assert problems == [f"{OTHER} placed on B510112: outside the forum's jurisdiction (I510700)"]


def test_an_unknown_court_and_a_case_not_asked_are_problems() -> None:
    network = make_network()
    assert check_result(result({CASE: "B999999"}), forums={CASE: "I510100"}, pins={}, network=network) == [
        f"{CASE} placed on B999999: not a court of the network (I510100)"]
    assert check_result(result({OTHER: "B510105"}), forums={CASE: "I510100"}, pins={}, network=network) == [
        f"{OTHER} is not a case of forum I510100"]


def test_a_pinned_case_must_stay_where_its_decision_binds_it() -> None:
    network = make_network()
    pins = {CASE: "B510703"}  # a decision's court binds even where the solver would not place it
    assert check_result(result({CASE: "B510703"}), forums={CASE: "I510100"}, pins=pins, network=network) == []
    assert check_result(result({CASE: "B510105"}), forums={CASE: "I510100"}, pins=pins, network=network) == [
        f"{CASE} is pinned to B510703 by a decision but placed on B510105"]


def test_validator_findings_are_problems() -> None:
    problems = check_result(result({}, violations=["capacity of B510105 exceeded"]), forums={}, pins={},
                            network=make_network())
    assert problems == ["validator: capacity of B510105 exceeded"]
