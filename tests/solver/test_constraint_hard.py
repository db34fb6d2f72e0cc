"""Hard units: feasible on a minimal instance, infeasible once forced, caught by the validator."""

from __future__ import annotations

from typing import Any

import pytest

from solver import Conflict, solve
from solver.build import mask
from solver.validate import validate_plan
from tests.solver.verifier import FAST, covers, instance, solve_forced

ONE = [{"no": "c1", "court": "B510104"}]


def _violations(inst, assignments, unit_id):
    return [v for v in validate_plan(inst, assignments).violations if v.startswith(unit_id)]


# ---------------------------------------------------------------- hard.not_original_court

@covers("hard.not_original_court", "feasible")
def test_not_original_court_feasible() -> None:
    plan = solve(instance(ONE))
    assert plan.assignments["c1"] in {"B510105", "B510112"} and plan.violations == []


@covers("hard.not_original_court", "violated")
def test_not_original_court_forced_is_infeasible_and_caught() -> None:
    inst = instance(ONE)
    assert solve_forced(inst, [("c1", "B510104")]).status == "INFEASIBLE"
    assert _violations(inst, {"c1": "B510104"}, "hard.not_original_court")


@covers("hard.not_original_court", "contribution")
def test_not_original_court_excludes_without_scoring() -> None:
    inst = instance(ONE)
    assert inst.excluded[inst.classes[0].id]["B510104"] == "hard.not_original_court"
    assert "hard.not_original_court" not in validate_plan(inst, {"c1": "B510105"}).contributions


# ---------------------------------------------------------------- hard.in_forum_jurisdiction

@covers("hard.in_forum_jurisdiction", "feasible")
def test_in_forum_jurisdiction_feasible() -> None:
    inst = instance(ONE)
    assert set(inst.classes[0].candidates) <= {"B510105", "B510112"}  # not I510100 (that is 提级), not Mianyang
    assert solve(inst).violations == []


@covers("hard.in_forum_jurisdiction", "violated")
def test_in_forum_jurisdiction_forced_is_infeasible_and_caught() -> None:
    inst = instance(ONE)
    for outside in ("B510703", "I510100"):
        assert solve_forced(inst, [("c1", outside)]).status == "INFEASIBLE"
    assert _violations(inst.model_copy(update={"courts": {**inst.courts, "B510703": inst.courts["B510105"].model_copy(
        update={"code": "B510703"})}}), {"c1": "B510703"}, "hard.in_forum_jurisdiction")


@covers("hard.in_forum_jurisdiction", "contribution")
def test_in_forum_jurisdiction_names_an_empty_pool() -> None:
    # a forum with no court below it at the case's level leaves nothing to designate
    inst = instance([{"no": "c1", "court": "B510104", "forum": "B510112"}, {"no": "c2", "court": "B510104"}])
    assert inst.infeasible == {"c1": "hard.in_forum_jurisdiction"}
    plan = solve(inst)
    assert plan.unplaced == {"c1": "hard.in_forum_jurisdiction"} and "c2" in plan.assignments
    assert "hard.in_forum_jurisdiction" not in plan.contributions


# ---------------------------------------------------------------- hard.not_debtor_home, hard.not_asset_local

# B510112 is the debtor's home court (HOME) or local to the main assets (ASSET); B510105 is the original court.
HOME = [{"no": "c1", "court": "B510105", "home": "510112", "asset": "510105", "flags": ["INTERFERENCE"]}]
ASSET = [{"no": "c1", "court": "B510105", "home": "510105", "asset": "510112", "flags": ["LOCAL_PROTECTION_RISK"]}]
LOCAL_UNDER_PROTECTION = [("hard.not_debtor_home", HOME), ("hard.not_asset_local", ASSET)]


@covers("hard.not_debtor_home", "feasible")
@covers("hard.not_asset_local", "feasible")
@pytest.mark.parametrize(("unit", "cases"), LOCAL_UNDER_PROTECTION)
def test_not_local_when_protected_feasible(unit: str, cases: list[dict[str, Any]]) -> None:
    plan = solve(instance(cases))
    assert plan.assignments == {"c1": "B510104"} and plan.violations == []


@covers("hard.not_debtor_home", "violated")
@covers("hard.not_asset_local", "violated")
@pytest.mark.parametrize(("unit", "cases"), LOCAL_UNDER_PROTECTION)
def test_not_local_when_protected_forced_is_infeasible_and_caught(unit: str, cases: list[dict[str, Any]]) -> None:
    inst = instance(cases)
    assert solve_forced(inst, [("c1", "B510112")]).status == "INFEASIBLE"
    assert _violations(inst, {"c1": "B510112"}, unit)


@covers("hard.not_debtor_home", "contribution")
def test_not_debtor_home_only_with_protection_flags() -> None:
    unflagged = instance([{**HOME[0], "flags": []}])
    assert "B510112" in unflagged.classes[0].candidates
    flagged = instance(HOME)
    assert flagged.excluded[flagged.classes[0].id]["B510112"] == "hard.not_debtor_home"



@covers("hard.not_asset_local", "contribution")
def test_not_asset_local_names_the_exclusion() -> None:
    inst = instance(ASSET)
    assert inst.excluded[inst.classes[0].id] == {"B510105": "hard.not_original_court",
                                                 "B510112": "hard.not_asset_local"}


# ---------------------------------------------------------------- hard.declared_conflict

PARTY = [Conflict(court="B510112", party="c1")]  # debtor id of c1 is "c1" in the verifier
COURTS = [Conflict(court="B510112", other_court="B510104")]


@covers("hard.declared_conflict", "feasible")
def test_declared_conflict_feasible() -> None:
    for conflicts in (PARTY, COURTS):
        plan = solve(instance(ONE, conflicts=conflicts))
        assert plan.assignments == {"c1": "B510105"} and plan.violations == []


@covers("hard.declared_conflict", "violated")
def test_declared_conflict_forced_is_infeasible_and_caught() -> None:
    for conflicts in (PARTY, COURTS):
        inst = instance(ONE, conflicts=conflicts)
        assert solve_forced(inst, [("c1", "B510112")]).status == "INFEASIBLE"
        assert _violations(inst, {"c1": "B510112"}, "hard.declared_conflict")


@covers("hard.declared_conflict", "contribution")
def test_declared_conflict_party_ids_are_masked() -> None:
    inst = instance(ONE, conflicts=PARTY)
    assert inst.conflicts[0].party == mask("c1") and "c1" not in inst.conflicts[0].model_dump_json()
    assert inst.excluded[inst.classes[0].id]["B510112"] == "hard.declared_conflict"


# ---------------------------------------------------------------- hard.capacity

TIGHT = FAST.model_copy(update={"capacity_per_officer": 0.1})
TWO = [{"no": "c1", "court": "B510104"}, {"no": "c2", "court": "B510104"}]


@covers("hard.capacity", "feasible")
def test_capacity_feasible() -> None:
    plan = solve(instance(TWO, params=TIGHT))  # B510105 and B510112 take one case each
    assert sorted(plan.assignments.values()) == ["B510105", "B510112"] and plan.violations == []


@covers("hard.capacity", "violated")
def test_capacity_forced_is_infeasible_and_caught() -> None:
    inst = instance(TWO, params=TIGHT)
    assert solve_forced(inst, [("c1", "B510112"), ("c2", "B510112")]).status == "INFEASIBLE"
    assert _violations(inst, {"c1": "B510112", "c2": "B510112"}, "hard.capacity")


@covers("hard.capacity", "contribution")
def test_capacity_leaves_the_overflow_unplaced_with_its_penalty() -> None:
    inst = instance([*TWO, {"no": "c3", "court": "B510104"}], params=TIGHT)
    plan = solve(inst)
    assert len(plan.assignments) == 2 and list(plan.unplaced.values()) == ["hard.capacity"]
    assert plan.contributions["unplaced"] == TIGHT.unplaced_penalty
    assert plan.violations == []


# ---------------------------------------------------------------- hard.pinned

@covers("hard.pinned", "feasible")
def test_pinned_feasible_and_kept_even_when_worse() -> None:
    inst = instance(ONE, pinned={"c1": "B510112"})
    assert solve(inst).assignments == {"c1": "B510112"}
    assert solve(instance(ONE)).assignments == {"c1": "B510105"}  # where it would go if free


@covers("hard.pinned", "violated")
def test_pinned_forced_elsewhere_is_infeasible_and_caught() -> None:
    inst = instance(ONE, pinned={"c1": "B510112"})
    assert solve_forced(inst, [("c1", "B510105")]).status == "INFEASIBLE"
    assert _violations(inst, {"c1": "B510105"}, "hard.pinned")


@covers("hard.pinned", "contribution")
def test_pinned_counts_against_capacity() -> None:
    inst = instance(TWO, params=TIGHT, pinned={"c1": "B510112"})
    plan = solve(inst)
    assert plan.assignments == {"c1": "B510112", "c2": "B510105"} and plan.violations == []
    assert FAST.unplaced_penalty == plan.params["unplaced_penalty"]


def test_an_entrusted_case_never_returns_to_the_entrusted_court() -> None:
    from datetime import date

    from solver import build_instance
    from tests.factories import make_network, make_verdict
    from tests.solver.verifier import labelled

    case = labelled("e1", court_code="B510703", entrusted={"to_court": "B510105", "filed_on": date(2024, 2, 1)})
    inst = build_instance([case], [make_verdict("e1", forum="I510100")], make_network())
    assert inst.excluded[inst.classes[0].id]["B510105"] == "hard.not_original_court"
    assert "B510105" not in inst.classes[0].candidates
