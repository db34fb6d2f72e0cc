"""The console's read models as types: what `/v1/console/*` answers (`api/routes/console.py`).

The known fields are typed (the OpenAPI shows them); `extra="allow"` keeps any field a read
model adds before its type here does, so the pages never lose data to the schema.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from api.service.plans import PlanMove
from assign.schemas import Recommendation, Verdict


class _ReadModel(BaseModel):
    model_config = ConfigDict(extra="allow")


class Me(_ReadModel):
    role: str
    court_code: str | None
    court_name: str | None
    label: str | None


class QueueRow(_ReadModel):
    case_no: str
    court_code: str
    outcome: str
    basis: str | None
    eligible_from: date | None
    received_on: date
    age_days: int
    forum: str | None
    overdue_days: int | None
    recommended_mode: str | None
    flags: list[str]
    recommendation_id: int | None = None
    target_court: str | None = None
    decision: str | None = None  # the live decision's action


class Queue(_ReadModel):
    as_of: date | None
    counts: dict[str, int]
    rows: list[QueueRow]
    total: int


class DocumentOption(_ReadModel):
    kind: str | None  # the draft the case's disposition calls for
    source: str | None  # decision | recommendation | verdict
    reason: str | None  # why there is none


class AuditLine(_ReadModel):
    seq: int
    kind: str
    subject: str
    actor: str
    created_at: Any
    payload: Any


class CaseDetail(_ReadModel):
    case: dict[str, Any]  # as this key may see it (party IDs masked unless its role needs them)
    verdict: Verdict | None  # party id numbers among the fired rules' facts masked
    recommendation_id: int | None
    recommendation: Recommendation | None
    decision: dict[str, Any] | None  # the case's live decision
    documents: DocumentOption
    audit: list[AuditLine]


class CourtLoad(_ReadModel):
    code: str
    name: str
    level: str
    lat: float | None
    lon: float | None
    staff: int
    before: int
    after: int
    change: int
    per_officer_before: float
    per_officer_after: float


class PlanMoveRow(PlanMove):
    """A plan's move (`to`: where the case's live decision binds it, else where the plan puts it) with the
    recommendation that placed it, the court it recommended and the live decision's action."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    recommendation_id: int
    mode: str | None
    recommended: str | None
    decision: str | None


class PlanView(_ReadModel):
    plan_id: str
    scope: str
    as_of: date
    status: str
    created_at: str
    summary: dict[str, Any]
    solver: dict[str, Any]
    courts: list[CourtLoad]
    moves: list[PlanMoveRow]
