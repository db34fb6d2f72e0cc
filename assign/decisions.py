"""Dispatcher decisions on recommendations: accept, override (to another court), reject.

One decision per recommendation, enforced by the database: `recommendation_id` is unique,
so of two dispatchers deciding at once exactly one INSERT commits; the other's fails at
the constraint (after waiting for the first on PostgreSQL) and becomes `Conflict` (409).
The look-up before the INSERT only gives the common case a friendlier message.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from assign.db import get_row
from assign.errors import Conflict
from assign.masking import mask_strings
from assign.models import RecommendationRow, utcnow


class Action(StrEnum):
    ACCEPT = "accept"
    OVERRIDE = "override"
    REJECT = "reject"


class Decision(SQLModel, table=True):
    __tablename__ = "decision"
    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", unique=True, index=True)
    plan_id: str = Field(index=True, max_length=64)
    case_nos: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON list
    action: str = Field(max_length=16)
    recommended_court: str | None = Field(default=None, max_length=32)
    target_court: str | None = Field(default=None, index=True, max_length=32)
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    justification: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    violations: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False))  # JSON list
    key_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "recommendation_id": self.recommendation_id, "plan_id": self.plan_id,
            "case_nos": json.loads(self.case_nos), "action": self.action, "recommended_court": self.recommended_court,
            "target_court": self.target_court, "reason": self.reason, "justification": self.justification,
            "violations": json.loads(self.violations), "key_id": self.key_id, "created_at": self.created_at.isoformat(),
        }

    def as_view(self) -> dict[str, Any]:
        """What every listing returns: `as_dict` with the free text masked (the audit record keeps it whole)."""
        data = self.as_dict()
        data["reason"], data["justification"] = mask_strings(data["reason"]), mask_strings(data["justification"])
        return data


def get_recommendation_row(*, session: Session, recommendation_id: int) -> RecommendationRow:
    return get_row(session, RecommendationRow, recommendation_id, "recommendation")


def decision_for(*, session: Session, recommendation_id: int) -> Decision | None:
    return session.exec(select(Decision).where(Decision.recommendation_id == recommendation_id)).first()


def ensure_undecided(*, session: Session, recommendation_id: int) -> None:
    earlier = decision_for(session=session, recommendation_id=recommendation_id)
    if earlier is not None:
        raise Conflict(f"recommendation {recommendation_id} was already decided ({earlier.action}, decision "
                       f"{earlier.id}, at {earlier.created_at.isoformat(timespec='seconds')})")


def record_decision(
    *, session: Session, recommendation: RecommendationRow, action: Action, target_court: str | None, reason: str,
    justification: str | None, violations: list[str], key_id: int | None,
) -> Decision:
    """Insert the decision; `Conflict` when the recommendation already has one."""
    rec_id = recommendation.id or 0
    ensure_undecided(session=session, recommendation_id=rec_id)
    row = Decision(recommendation_id=rec_id, plan_id=recommendation.plan_id, case_nos=recommendation.case_nos,
                   action=action.value, recommended_court=recommendation.target_court, target_court=target_court,
                   reason=reason, justification=justification, violations=json.dumps(violations, ensure_ascii=False),
                   key_id=key_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"recommendation {rec_id} was decided by someone else a moment ago") from None
    return row


def get_decision(*, session: Session, decision_id: int) -> Decision:
    return get_row(session, Decision, decision_id, "decision")


def list_decisions(*, session: Session, plan_id: str | None = None, limit: int = 100,
                   offset: int = 0) -> list[Decision]:
    q = select(Decision)
    if plan_id:
        q = q.where(Decision.plan_id == plan_id)
    return list(session.exec(q.order_by(col(Decision.id).desc()).offset(offset).limit(limit)).all())


def binding_decisions(*, session: Session, case_nos: list[str] | None = None) -> dict[str, Decision]:
    """case_no -> the decision that binds it to a receiving court: the latest accept or override naming a
    court (a reject binds nothing). `case_nos` None: every decided case. The one definition of "transferred"."""
    wanted = None if case_nos is None else set(case_nos)
    out: dict[str, Decision] = {}
    q = (select(Decision).where(col(Decision.action).in_([Action.ACCEPT.value, Action.OVERRIDE.value]))
         .where(col(Decision.target_court).is_not(None)).order_by(col(Decision.id)))
    for d in session.exec(q):
        for no in json.loads(d.case_nos):
            if wanted is None or no in wanted:
                out[no] = d
    return out


def decided_courts(*, session: Session, case_nos: list[str]) -> dict[str, str]:
    """case_no -> the court a dispatcher accepted or chose (the latest decision wins), for these cases."""
    return {no: d.target_court for no, d in binding_decisions(session=session, case_nos=case_nos).items()
            if d.target_court}
