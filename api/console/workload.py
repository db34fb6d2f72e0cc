"""Per-court workload before and after a plan, and the plan's moves, for the plan view.

Counts cases (one per moved case); the solver's own weighting lives in its score breakdown,
which the page shows next to it. A rejected recommendation moves nothing; an override moves
the case to the court the dispatcher chose.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlmodel import Session

from api.console.models import CourtLoad, PlanMoveRow
from assign import repository
from assign.decisions import Decision, bound_court
from assign.models import RecommendationRow
from assign.network import CourtNetwork


def plan_moves(*, session: Session, rows: Sequence[RecommendationRow],
               decisions: Mapping[str, Decision]) -> list[PlanMoveRow]:
    """One row per case of the plan; `decisions` maps case_no to its live decision, which moves the
    case to the court it binds (none for a reject)."""
    case_nos = [no for r in rows for no in json.loads(r.case_nos)]
    origin = repository.case_courts(session=session, case_nos=case_nos)
    moves = []
    for r in rows:
        for no in json.loads(r.case_nos):
            decision = decisions.get(no)
            target = r.target_court
            if decision is not None:
                target = bound_court(decision)
            moves.append(PlanMoveRow(case_no=no, recommendation_id=r.id, mode=r.mode, from_court=origin.get(no),
                                     recommended=r.target_court, to_court=target,
                                     decision=decision.action if decision else None))
    return moves


def court_loads(network: CourtNetwork, scope: str, moves: Sequence[PlanMoveRow]) -> list[CourtLoad]:
    """Every court of the forum's jurisdiction with its open cases before and after the plan."""
    delta: dict[str, int] = {}
    for m in moves:
        if m.to_court and m.from_court and m.to_court != m.from_court:
            delta[m.from_court] = delta.get(m.from_court, 0) - 1
            delta[m.to_court] = delta.get(m.to_court, 0) + 1
    out = []
    for court in network.subtree(scope):
        after = court.open_cases + delta.get(court.code, 0)
        staff = max(court.enforcement_staff, 1)
        out.append(CourtLoad(code=court.code, name=court.name, level=court.level.value, lat=court.lat,
                             lon=court.lon, staff=court.enforcement_staff, before=court.open_cases, after=after,
                             change=delta.get(court.code, 0), per_officer_before=round(court.open_cases / staff, 1),
                             per_officer_after=round(after / staff, 1)))
    return out
