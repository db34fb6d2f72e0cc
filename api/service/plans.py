"""Reading plans for the API: lists within a jurisdiction, one plan, moves between plans."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from assign import repository
from assign.decisions import Decision
from assign.errors import NotFound
from assign.models import PlanRow, RecommendationRow
from assign.schemas import Recommendation


def plan_header(row: PlanRow) -> dict[str, Any]:
    return {"plan_id": row.plan_id, "created_at": row.created_at.isoformat(), "as_of": row.as_of.isoformat(),
            "scope": row.scope, "status": row.status, "previous_plan_id": row.previous_plan_id,
            "run_id": row.run_id, "summary": json.loads(row.summary or "{}")}


def list_plans(*, session: Session, scopes: list[str] | None, scope: str | None, limit: int,
               offset: int) -> list[PlanRow]:
    q = select(PlanRow).where(PlanRow.published == True)  # noqa: E712 (SQL expression)
    if scope:
        q = q.where(PlanRow.scope == scope)
    if scopes is not None:
        q = q.where(col(PlanRow.scope).in_(scopes))
    return list(session.exec(q.order_by(col(PlanRow.created_at).desc()).offset(offset).limit(limit)).all())


def plan_detail(*, session: Session, row: PlanRow) -> dict[str, Any]:
    recs = session.exec(select(RecommendationRow).where(RecommendationRow.plan_id == row.plan_id)
                        .order_by(col(RecommendationRow.id))).all()
    decided = {d.recommendation_id: d for d in session.exec(select(Decision).where(Decision.plan_id == row.plan_id))}
    data = json.loads(row.data or "{}")
    return {
        **plan_header(row),
        "solver": {k: data.get(k) for k in ("status", "objective", "bound", "gap", "contributions", "metrics",
                                            "seed", "workers", "time_s", "versions", "policy", "points", "defects")
                   if k in data},
        "recommendations": [
            {"id": r.id, "recommendation": Recommendation.model_validate_json(r.data),
             "decision": decided[r.id].as_view() if r.id in decided else None}
            for r in recs
        ],
    }


def assignments_of(row: PlanRow) -> dict[str, str]:
    data = json.loads(row.data or "{}")
    return dict(data.get("assignments") or {})


def plan_moves(*, session: Session, row: PlanRow, against: str | None) -> dict[str, Any]:
    """Cases whose court changed between the previous plan (or `against`) and this one."""
    other_id = against or row.previous_plan_id
    if other_id is None:
        raise NotFound(f"plan {row.plan_id} has no previous plan; name one with ?against=")
    other = repository.get_plan(session=session, plan_id=other_id)
    before, after = assignments_of(other), assignments_of(row)
    moves = [{"case_no": no, "from": before.get(no), "to": after.get(no)}
             for no in sorted(set(before) | set(after)) if before.get(no) != after.get(no)]
    return {"plan_id": row.plan_id, "against": other_id, "count": len(moves),
            "moved": sum(1 for m in moves if m["from"] and m["to"]),
            "added": sum(1 for m in moves if not m["from"]), "removed": sum(1 for m in moves if not m["to"]),
            "moves": moves}
