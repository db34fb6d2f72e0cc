"""Reading plans for the API: lists within a jurisdiction, one plan, moves between plans."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from assign import plans
from assign.decisions import decisions_by_recommendation
from assign.errors import NotFound
from assign.models import PlanRow
from assign.schemas import Recommendation


def plan_header(row: PlanRow) -> dict[str, Any]:
    return {"plan_id": row.plan_id, "created_at": row.created_at.isoformat(), "as_of": row.as_of.isoformat(),
            "scope": row.scope, "status": row.status, "kind": row.kind, "previous_plan_id": row.previous_plan_id,
            "run_id": row.run_id, "summary": json.loads(row.summary or "{}")}


def plan_detail(*, session: Session, row: PlanRow) -> dict[str, Any]:
    recs = plans.plan_recommendation_rows(session=session, plan_id=row.plan_id)
    decided = decisions_by_recommendation(session=session, plan_id=row.plan_id)
    data = json.loads(row.data or "{}")
    return {
        **plan_header(row),
        "solver": {k: data.get(k) for k in ("status", "objective", "bound", "gap", "contributions", "metrics",
                                            "seed", "workers", "time_s", "versions", "policy", "points", "defects")
                   if k in data}
        # the optional outcome term's figures (solver/README): empty when the plan was solved without it
        | ({"outcome_shares": data["params"].get("outcome_shares", {})} if isinstance(data.get("params"), dict)
           else {}),
        "recommendations": [
            {"id": r.id, "recommendation": Recommendation.model_validate_json(r.data),
             "decision": decided[r.id].as_view() if r.id in decided else None}
            for r in recs
        ],
    }


def plan_moves(*, session: Session, row: PlanRow, against: str | None) -> dict[str, Any]:
    """Cases whose court changed between the previous plan (or `against`) and this one."""
    other_id = against or row.previous_plan_id
    if other_id is None:
        raise NotFound(f"plan {row.plan_id} has no previous plan; name one with ?against=")
    other = plans.get_plan(session=session, plan_id=other_id)
    moves = plans.moves_between(plans.assignments_of(other), plans.assignments_of(row))
    return {"plan_id": row.plan_id, "against": other_id, "count": len(moves),
            "moved": sum(1 for m in moves if m.moved), "added": sum(1 for m in moves if m.from_court is None),
            "removed": sum(1 for m in moves if m.to_court is None),
            "moves": [{"case_no": m.case_no, "from": m.from_court, "to": m.to_court} for m in moves]}
