"""Verdicts -> plan and recommendations (the solver side of the pipeline).

The CLI, the API and the nightly job call only `place_cases` and `recommend_one`. Forums'
pools are independent subproblems; with `processes > 1` they are solved in a process pool
(plain JSON to the workers: solver objects do not pickle).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from assign.network import CourtNetwork
from assign.processes import process_pool
from assign.schemas import Case, Recommendation, SolverInfo, Verdict
from solver import AssignmentPlan, Conflict, SolveParams, build_instance, make_demand, solve
from solver.instance import AssignmentInstance, Demand
from solver.recommend_one import PlanState, recommend_demands


def place_cases(
    cases: Sequence[Case], verdicts: Sequence[Verdict], network: CourtNetwork, *,
    previous_plan: AssignmentPlan | Mapping[str, str] | None = None, pinned: Mapping[str, str] | None = None,
    conflicts: Iterable[Conflict] | None = None, params: SolveParams | None = None, processes: int = 1,
    explain: bool = True, alternatives: int = 5,
) -> tuple[AssignmentPlan, list[Recommendation]]:
    """Place every case whose verdict needs a court; one Recommendation per debtor group.

    Never raises for an infeasible case: it comes back with `target_court=None` and the
    constraint family that left it without a court in `unplaced_reason`.
    """
    inst = build_instance(cases, verdicts, network, previous_plan=previous_plan, pinned=pinned,
                          conflicts=conflicts or (), params=params)
    if processes > 1 and len(inst.pools) > 1:
        with process_pool(processes, preload=[solve.__module__]) as ex:
            plan = solve(inst, pool_map=ex.map, parallel=processes)
    else:
        plan = solve(inst)
    return plan, recommendations(inst, plan, network, explain=explain, alternatives=alternatives)


def recommendations(inst: AssignmentInstance, plan: AssignmentPlan, network: CourtNetwork, *,
                    explain: bool = True, alternatives: int = 5) -> list[Recommendation]:
    """Why each group got its court: the group's deltas there and at every other legal court,
    computed against the plan without the group (so the chosen court's own load is not counted twice)."""
    info = solver_info(plan)
    # one recommendation per debtor group and receiving court: a group the plan had to split
    # (medium.group_together) gets one per court, unplaced cases one per reason
    groups: dict[tuple[str, str, str | None, str | None], list[Demand]] = defaultdict(list)
    for d in inst.demands:
        groups[(d.group, d.forum, plan.assignments.get(d.case_no), plan.unplaced.get(d.case_no))].append(d)
    out: list[Recommendation] = []
    state = PlanState(inst, plan.assignments) if explain else None
    for (_, forum, court, reason), members in groups.items():
        nos = [d.case_no for d in members]
        first = members[0]
        if state is not None and court is not None and first.pool is not None:
            rest = state.without(members, plan.assignments)
            rec = recommend_demands(rest, network, members, top=alternatives, chosen=court)
        elif state is not None and court is None and first.pool is not None and first.pool in state.pools:
            rec = recommend_demands(state, network, members, top=alternatives)  # why nothing fits
            rec = rec.model_copy(update={"target_court": None, "score": {}, "alternatives": []})
        else:
            rec = Recommendation(case_nos=nos, mode=first.mode_at(court), forum=forum, target_court=court)
        out.append(rec.model_copy(update={"case_nos": nos, "plan_id": plan.plan_id, "solver": info,
                                          "unplaced_reason": reason}))
    return out


def solver_info(plan: AssignmentPlan) -> SolverInfo:
    return SolverInfo(status=plan.status.value, objective=plan.objective, bound=plan.bound, gap=plan.gap,
                      seed=plan.seed, workers=plan.workers, time_s=plan.time_s, versions=plan.versions,
                      params=plan.params)


def plan_state(inst: AssignmentInstance, plan: AssignmentPlan) -> PlanState:
    """The per-court state `recommend_one` ranks against (build once, reuse for many cases)."""
    return PlanState(inst, plan.assignments)


def recommend_one(case: Case, verdict: Verdict, network: CourtNetwork, state: PlanState) -> Recommendation:
    """Every legal court for one new case ranked by score delta, every excluded court with its reason."""
    demand = make_demand(case, verdict, network, choose_mode=state.params.choose_mode)
    return recommend_demands(state, network, [demand])
