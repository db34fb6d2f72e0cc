"""Dispatcher decisions on recommendations: accept, override (to another court), reject.

One meaning, used by the nightly job, batch jobs, the console and documents:

- **A decision binds its cases** (`bound_court`): accept binds them to the recommended
  court, override to the court the dispatcher chose; a reject binds nothing (the case is
  free to be placed again).
- **At most one live decision per case**, enforced by the database: `decision_case` has one
  row per decided case (primary key `case_no`) naming its live decision. A new decision on
  a case that already has one is refused (`Conflict`, 409) unless it names that decision in
  `supersedes`; the superseded decision stays in the history, and the newest decision is
  the one that binds. Of two dispatchers deciding (or superseding) at once exactly one
  INSERT commits; the other's fails at the key (after waiting for the first on PostgreSQL)
  and becomes `Conflict`.
- **Pins follow the live decision** (`pinned_courts`): what nightly runs and batch jobs keep
  where a dispatcher put it. A reject unpins.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from assign.db import get_row
from assign.errors import Conflict
from assign.masking import mask_strings
from assign.models import CaseRow, RecommendationRow, utcnow


class Action(StrEnum):
    ACCEPT = "accept"
    OVERRIDE = "override"
    REJECT = "reject"


class Decision(SQLModel, table=True):
    __tablename__ = "decision"
    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
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
    supersedes: int | None = Field(default=None)  # the live decision this one replaced

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "recommendation_id": self.recommendation_id, "plan_id": self.plan_id,
            "case_nos": json.loads(self.case_nos), "action": self.action, "recommended_court": self.recommended_court,
            "target_court": self.target_court, "reason": self.reason, "justification": self.justification,
            "violations": json.loads(self.violations), "key_id": self.key_id, "created_at": self.created_at.isoformat(),
            "supersedes": self.supersedes,
        }

    def as_view(self) -> dict[str, Any]:
        """What every listing returns: `as_dict` with the free text masked (the audit record keeps it whole)."""
        data = self.as_dict()
        data["reason"], data["justification"] = mask_strings(data["reason"]), mask_strings(data["justification"])
        return data


class DecisionCase(SQLModel, table=True):
    """The live decision of each decided case: one row per case, so the database itself keeps
    at most one live decision per case (SQLite and PostgreSQL alike)."""

    __tablename__ = "decision_case"
    case_no: str = Field(primary_key=True, max_length=128)
    decision_id: int = Field(foreign_key="decision.id", index=True)


def decision_for(*, session: Session, recommendation_id: int) -> Decision | None:
    """The newest decision taken on this recommendation (None: never decided)."""
    return session.exec(select(Decision).where(Decision.recommendation_id == recommendation_id)
                        .order_by(col(Decision.id).desc())).first()


def bound_court(decision: Decision) -> str | None:
    """The court a decision binds its cases to; None for a reject (it binds nothing)."""
    if decision.action == Action.REJECT.value:
        return None
    return decision.target_court or decision.recommended_court


def live_decisions(*, session: Session, case_nos: Iterable[str] | None = None) -> dict[str, Decision]:
    """case_no -> its live decision, for these cases (None: every decided case)."""
    base = select(DecisionCase.case_no, Decision).join(Decision, col(Decision.id) == col(DecisionCase.decision_id))
    if case_nos is None:
        return {no: d for no, d in session.exec(base).all()}
    wanted = list(dict.fromkeys(case_nos))
    out: dict[str, Decision] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        out.update({no: d for no, d in session.exec(base.where(col(DecisionCase.case_no).in_(chunk))).all()})
    return out


def pinned_courts(*, session: Session, case_nos: Iterable[str] | None = None) -> dict[str, str]:
    """case_no -> court for every case whose live decision binds a court: what nightly runs and
    batch jobs keep in place. A rejected case is absent (a reject unpins)."""
    return {no: court for no, d in live_decisions(session=session, case_nos=case_nos).items()
            if (court := bound_court(d)) is not None}


def _describe(decision: Decision) -> str:
    return f"decision {decision.id} ({decision.action}, at {decision.created_at.isoformat(timespec='seconds')})"


def ensure_decidable(*, session: Session, case_nos: Iterable[str], supersedes: int | None) -> None:
    """Refuse a decision that would give a case a second live decision (`Conflict`): without
    `supersedes` none of the cases may be decided; with it, their live decision must be that one."""
    live = live_decisions(session=session, case_nos=case_nos)
    live_ids = {d.id for d in live.values()}
    if supersedes is None and live:
        no, d = sorted(live.items())[0]
        raise Conflict(f"case {no} was already decided (live {_describe(d)}); to replace that decision "
                       f"send supersedes={d.id}")
    if supersedes is not None and live_ids != {supersedes}:
        found = ", ".join(f"{no}: {_describe(d)}" for no, d in sorted(live.items())) or "none"
        raise Conflict(f"decision {supersedes} is not the live decision of these cases (live: {found})")


def record_decision(
    *, session: Session, recommendation: RecommendationRow, action: Action, target_court: str | None, reason: str,
    justification: str | None, violations: list[str], key_id: int | None, supersedes: int | None = None,
) -> Decision:
    """Insert the decision and make it the live decision of its cases; `Conflict` when one of
    them already has a live decision other than `supersedes`."""
    case_nos: list[str] = json.loads(recommendation.case_nos)
    rec_id = recommendation.id or 0  # read now: after a failed flush the row cannot be reloaded
    ensure_decidable(session=session, case_nos=case_nos, supersedes=supersedes)
    row = Decision(recommendation_id=rec_id, plan_id=recommendation.plan_id,
                   case_nos=recommendation.case_nos, action=action.value, recommended_court=recommendation.target_court,
                   target_court=target_court, reason=reason, justification=justification,
                   violations=json.dumps(violations, ensure_ascii=False), key_id=key_id, supersedes=supersedes)
    try:
        session.add(row)
        session.flush()
        if supersedes is not None:
            session.execute(sa.delete(DecisionCase).where(col(DecisionCase.decision_id) == supersedes)
                            .where(col(DecisionCase.case_no).in_(case_nos)))
        session.add_all(DecisionCase(case_no=no, decision_id=row.id or 0) for no in dict.fromkeys(case_nos))
        session.flush()
    except IntegrityError:
        raise Conflict(f"the cases of recommendation {rec_id} were decided by someone else a moment "
                       f"ago") from None
    return row


def get_decision(*, session: Session, decision_id: int) -> Decision:
    return get_row(session, Decision, decision_id, "decision")


def list_decisions(*, session: Session, plan_id: str | None = None, limit: int = 100,
                   offset: int = 0) -> list[Decision]:
    q = select(Decision)
    if plan_id:
        q = q.where(Decision.plan_id == plan_id)
    return list(session.exec(q.order_by(col(Decision.id).desc()).offset(offset).limit(limit)).all())


def decisions_by_recommendation(*, session: Session, plan_id: str) -> dict[int, Decision]:
    """recommendation id -> the newest decision taken on it, for every decided recommendation of the plan."""
    q = select(Decision).where(Decision.plan_id == plan_id).order_by(col(Decision.id))
    return {d.recommendation_id: d for d in session.exec(q)}  # in id order: the newest is kept


# built once: the single-case recommendation reads it per request, and building a select costs more than running it
_CASE_AND_LIVE_DECISION = (sa.select(col(CaseRow.data), col(DecisionCase.decision_id))
                           .outerjoin(DecisionCase, col(DecisionCase.case_no) == col(CaseRow.case_no))
                           .where(col(CaseRow.case_no) == sa.bindparam("case_no")))


def case_record_and_live_decision(conn: Connection, case_no: str) -> tuple[str, int | None] | None:
    """The stored JSON of a case and the id of its live decision (None if undecided); None: no such case."""
    row = conn.execute(_CASE_AND_LIVE_DECISION, {"case_no": case_no}).first()
    return None if row is None else (row[0], row[1])


def binding_decisions(*, session: Session, case_nos: list[str] | None = None) -> dict[str, Decision]:
    """case_no -> the live decision that binds it to a receiving court (a reject binds nothing).
    `case_nos` None: every decided case. The one definition of "transferred"."""
    return {no: d for no, d in live_decisions(session=session, case_nos=case_nos).items()
            if bound_court(d) is not None}
