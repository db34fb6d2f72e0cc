"""ConstraintVerifier-shaped helpers: minimal instances, forced placements, exact contributions.

`covers(unit_id, aspect)` marks a test as checking one aspect of one registry unit
("feasible", "violated", "contribution"); tests/solver/test_registry.py fails if any unit
lacks one of the three.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from assign.schemas import Case
from solver import AssignmentInstance, SolveParams, build_instance
from solver.instance import Conflict
from solver.model import TransferModel
from solver.results import PoolResult
from solver.validate import validate_plan
from tests.factories import make_case, make_network, make_verdict

F = TypeVar("F", bound=Callable[..., Any])
ASPECTS = ("feasible", "violated", "contribution")
# the verdict's mode stands in the unit tests; the mode choice (hard.escalation_open) has its own
FAST = SolveParams(time_limit_s=2.0, workers=1, deterministic=True, choose_mode=False)


def covers(unit_id: str, aspect: str) -> Callable[[F], F]:
    assert aspect in ASPECTS, aspect

    def mark(fn: F) -> F:
        fn.__covers__ = (*getattr(fn, "__covers__", ()), (unit_id, aspect))
        return fn

    return mark


def debtor(did: str, division: str = "510104") -> dict[str, Any]:
    return {"id": did, "name": f"被执行人{did}", "kind": "company", "domicile_division": division}


def asset(division: str, value: str = "300000") -> list[dict[str, Any]]:
    return [{"id": "A1", "kind": "real_estate", "value": value, "available_at_application": True,
             "location_division": division}]


def labelled(label: str, **overrides: Any) -> Case:
    """`make_case`, numbered `label` after validation: the solver keys cases by number only, and short
    labels ("c1") keep its tests readable where the format wants the official shape."""
    return make_case(**overrides).model_copy(update={"case_no": label})


def instance(specs: Iterable[Mapping[str, Any]], *, params: SolveParams = FAST,
             previous: Mapping[str, str] | None = None, pinned: Mapping[str, str] | None = None,
             conflicts: Iterable[Conflict] = ()) -> AssignmentInstance:
    """One case per spec: case_no, court (original), debtor id/division, asset division, flags, mode, amount."""
    network = make_network()
    cases, verdicts = [], []
    for s in specs:
        court = s.get("court", "B510104")
        party = debtor(s.get("debtor", s["no"]), s.get("home", "510104"))
        cases.append(labelled(s["no"], court_code=court, debtor=party,
                              assets=asset(s.get("asset", s.get("home", "510104"))), amount=s.get("amount", "50000"),
                              obligation=s.get("obligation", "money")))
        verdicts.append(make_verdict(s["no"], forum=s.get("forum", network.parent(court).code),
                                     mode=s.get("mode", "designate"), flags=s.get("flags", [])))
    return build_instance(cases, verdicts, network, previous_plan=previous, pinned=pinned, conflicts=conflicts,
                          params=params)


def class_of(inst: AssignmentInstance, case_no: str) -> str:
    return next(k.id for k in inst.classes if case_no in k.case_nos)


def solve_forced(inst: AssignmentInstance, forced: Iterable[tuple[str, str]] = ()) -> PoolResult:
    """Solve with each (case_no, court) forced; the model is infeasible when a pair is illegal."""
    model = TransferModel(inst)
    for (cid, court), n in Counter((class_of(inst, no), court) for no, court in forced).items():
        model.vars.fix(cid, court, n)
    return model.solve(2.0)


def contribution(inst: AssignmentInstance, assignments: Mapping[str, str], unit_id: str) -> float:
    return validate_plan(inst, assignments).contributions[unit_id]
