"""Placement solver: which court receives each transferred case (CP-SAT, pool by pool).

Exported here: build_instance, make_demand, solve, greedy_plan, validate_plan and the main
types of solver.instance; the LP bound is `solver.bound.lp_bound`, the single-case ranking
`solver.recommend_one`, policies `solver.policy`, the frontier `solver.frontier`. Imports
assign only (never rules/ or api/).
"""

from solver.build import build_instance, make_demand
from solver.instance import AssignmentInstance, AssignmentPlan, Conflict, PlanStatus, SolveParams
from solver.solve import greedy_plan, solve
from solver.validate import validate_plan

__all__ = [
    "AssignmentInstance", "AssignmentPlan", "Conflict", "PlanStatus", "SolveParams",
    "build_instance", "greedy_plan", "make_demand", "solve", "validate_plan",
]
