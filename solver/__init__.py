"""Placement solver: which court receives each transferred case (CP-SAT, pool by pool).

Public API: build_instance, solve, greedy_plan, lp_bound, validate_plan, recommend_one,
and the types of solver.instance. Imports assign only (never rules/ or api/).
"""

from solver.build import build_instance, make_demand
from solver.instance import AssignmentInstance, AssignmentPlan, Conflict, PlanStatus, SolveParams
from solver.solve import greedy_plan, solve
from solver.validate import validate_plan

__all__ = [
    "AssignmentInstance", "AssignmentPlan", "Conflict", "PlanStatus", "SolveParams",
    "build_instance", "greedy_plan", "make_demand", "solve", "validate_plan",
]
