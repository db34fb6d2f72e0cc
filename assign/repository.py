"""Keyword-only reads and writes for the domain tables. All domain writes go through here
(bulk case import lives in `assign.importer`, which uses the same tables).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, col, delete, func, select

from assign.db import rows_affected, table_of, upsert
from assign.errors import DataError, NotFound
from assign.masking import mask_text
from assign.models import CaseRow, CourtRow, NetworkMeta, PlanRow, RecommendationRow, VerdictRow, utcnow
from assign.network import CourtNetwork, builtin_network
from assign.schemas import Case, CaseStatus, Court, Recommendation, Verdict

# ---------------------------------------------------------------- network


def replace_network(*, session: Session, network: CourtNetwork, source: str) -> int:
    """Make `network` the active one (replaces any earlier custom network) in this transaction."""
    session.exec(delete(CourtRow))
    session.exec(delete(NetworkMeta))
    session.add_all(CourtRow(**c.model_dump(mode="json"), position=i) for i, c in enumerate(network))
    session.add(NetworkMeta(source=source, content_hash=network.content_hash, court_count=len(network)))
    return len(network)


def stored_network(*, session: Session) -> CourtNetwork | None:
    rows = session.exec(select(CourtRow).order_by(col(CourtRow.position))).all()
    if not rows:
        return None
    return CourtNetwork([Court.model_validate(r.model_dump(exclude={"position"})) for r in rows])


def active_network(*, session: Session) -> CourtNetwork:
    """The custom network if one was loaded, else the built-in national network."""
    return stored_network(session=session) or builtin_network()


def network_info(*, session: Session) -> dict[str, Any]:
    meta = session.get(NetworkMeta, 1)
    if meta is None:
        net = builtin_network()
        return {"source": "built-in data/courts.csv", "content_hash": net.content_hash, "court_count": len(net)}
    return {"source": meta.source, "content_hash": meta.content_hash, "court_count": meta.court_count,
            "loaded_at": meta.loaded_at.isoformat()}


# ---------------------------------------------------------------- cases


def read_case(case_no: str, data: str, unreadable: dict[str, str] | None = None) -> Case | None:
    """A stored record as a Case. A record that no longer validates (stored before a check existed,
    or written around the service) is a DataError naming the case, or, when the caller collects
    them in `unreadable` (case_no -> reason), reported there and skipped (None)."""
    try:
        return Case.model_validate_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = f"the stored record no longer validates: {where}: {mask_text(first['msg'])}"
        if unreadable is None:
            raise DataError(f"case {case_no}: {reason}") from None
        unreadable[case_no] = reason
        return None


def get_case(*, session: Session, case_no: str) -> Case:
    row = session.get(CaseRow, case_no)
    if row is None:
        raise NotFound(f"no case {case_no!r}")
    case = read_case(case_no, row.data)
    assert case is not None
    return case


def get_cases(*, session: Session, case_nos: Sequence[str], unreadable: dict[str, str] | None = None) -> list[Case]:
    """The stored cases among `case_nos`, in the order asked (missing ones skipped; unreadable ones:
    `read_case`)."""
    found: dict[str, Case | None] = {}
    for start in range(0, len(case_nos), 5000):
        chunk = list(case_nos[start : start + 5000])
        for row in session.exec(select(CaseRow).where(col(CaseRow.case_no).in_(chunk))):
            found[row.case_no] = read_case(row.case_no, row.data, unreadable)
    return [case for c in case_nos if (case := found.get(c)) is not None]


def case_row_values(case: Case) -> dict[str, Any]:
    """The `case_record` row for a case: the query columns plus the full JSON and its hash."""
    data = case.model_dump_json()
    return {
        "case_no": case.case_no, "court_code": case.court_code, "status": case.status.value,
        "debtor_id": case.debtor.id, "obligation": case.obligation.value, "received_on": case.received_on,
        "filed_on": case.filed_on, "content_hash": hashlib.sha256(data.encode()).hexdigest()[:32], "data": data,
        "updated_at": utcnow(),
    }


def save_case(*, session: Session, case: Case) -> None:
    """Insert or replace one case (events pushed by the command centre)."""
    values = case_row_values(case)
    row = session.get(CaseRow, case.case_no)
    if row is None:
        session.add(CaseRow(**values))
    else:
        for k, v in values.items():
            setattr(row, k, v)
        session.add(row)


def iter_cases(
    *, session: Session, batch_size: int = 5000, status: CaseStatus | None = CaseStatus.OPEN,
    court_codes: Sequence[str] | None = None, unreadable: dict[str, str] | None = None,
) -> Iterator[list[Case]]:
    """Stream stored cases in case_no order, `batch_size` at a time (keyset pagination; unreadable
    records: `read_case`)."""
    after = ""
    while True:
        q = select(CaseRow.case_no, CaseRow.data).where(CaseRow.case_no > after)
        if status is not None:
            q = q.where(CaseRow.status == status.value)
        if court_codes is not None:
            q = q.where(col(CaseRow.court_code).in_(list(court_codes)))
        rows = session.exec(q.order_by(CaseRow.case_no).limit(batch_size)).all()
        if not rows:
            return
        yield [case for no, data in rows if (case := read_case(no, data, unreadable)) is not None]
        after = rows[-1][0]


def iter_open_cases(*, session: Session, batch_size: int = 5000) -> Iterator[list[Case]]:
    return iter_cases(session=session, batch_size=batch_size, status=CaseStatus.OPEN)


def count_cases(*, session: Session, status: CaseStatus | None = None) -> int:
    q = select(func.count()).select_from(CaseRow)
    if status is not None:
        q = q.where(CaseRow.status == status.value)
    return int(session.exec(q).one())


def debtor_case_counts(*, session: Session,
                       status: CaseStatus | Iterable[CaseStatus] | None = CaseStatus.OPEN) -> dict[str, int]:
    """How many (open, or of the given statuses) cases each debtor has across all courts: linked-case indicator."""
    q = select(CaseRow.debtor_id, func.count()).group_by(CaseRow.debtor_id).having(func.count() > 1)
    if isinstance(status, CaseStatus):
        q = q.where(CaseRow.status == status.value)
    elif status is not None:
        q = q.where(col(CaseRow.status).in_(sorted(s.value for s in status)))
    return {d: int(n) for d, n in session.exec(q).all()}


def debtor_court_counts(*, session: Session, status: CaseStatus | None = CaseStatus.OPEN) -> dict[str, int]:
    """In how many distinct courts each repeat debtor has (open) cases."""
    q = (select(CaseRow.debtor_id, func.count(sa.distinct(col(CaseRow.court_code))))
         .group_by(CaseRow.debtor_id).having(func.count() > 1))
    if status is not None:
        q = q.where(CaseRow.status == status.value)
    return {d: int(n) for d, n in session.exec(q).all()}


# ---------------------------------------------------------------- verdicts


def _verdict_values(v: Verdict) -> dict[str, Any]:
    return {
        "case_no": v.case_no, "as_of": v.as_of, "outcome": str(v.outcome), "forum": v.forum,
        "recommended_mode": str(v.recommended_mode) if v.recommended_mode else None,
        "rulebook_hash": v.rulebook_version.hash, "data": v.model_dump_json(), "created_at": utcnow(),
    }


def save_verdicts(*, session: Session, verdicts: Sequence[Verdict]) -> int:
    """Store verdicts; one per (case, as_of, rulebook hash), so re-runs replace, never duplicate."""
    if not verdicts:
        return 0
    values = [_verdict_values(v) for v in verdicts]
    upsert(session, table_of(VerdictRow), values, key=["case_no", "as_of", "rulebook_hash"],
           update=["outcome", "forum", "recommended_mode", "data", "created_at"])
    return len(values)


def latest_verdict(*, session: Session, case_no: str) -> Verdict:
    row = session.exec(
        select(VerdictRow).where(VerdictRow.case_no == case_no)
        .order_by(col(VerdictRow.as_of).desc(), col(VerdictRow.id).desc()).limit(1)
    ).first()
    if row is None:
        raise NotFound(f"no verdict for case {case_no!r}")
    return Verdict.model_validate_json(row.data)


def verdicts_on(*, session: Session, as_of: date, outcome: str | None = None) -> list[Verdict]:
    q = select(VerdictRow.data).where(VerdictRow.as_of == as_of)
    if outcome:
        q = q.where(VerdictRow.outcome == outcome)
    return [Verdict.model_validate_json(d) for d in session.exec(q).all()]


# ---------------------------------------------------------------- plans


def save_plan(
    *, session: Session, plan_id: str, as_of: date, scope: str, status: str, data: dict[str, Any],
    summary: dict[str, Any], recommendations: Sequence[Recommendation], previous_plan_id: str | None = None,
    run_id: str | None = None, published: bool = True,
) -> PlanRow:
    row = PlanRow(plan_id=plan_id, as_of=as_of, scope=scope, status=status, previous_plan_id=previous_plan_id,
                  run_id=run_id, published=published, summary=json.dumps(summary, ensure_ascii=False, default=str),
                  data=json.dumps(data, ensure_ascii=False, default=str))
    session.add(row)
    session.flush()
    session.add_all(
        RecommendationRow(plan_id=plan_id, group_key=r.case_nos[0], case_nos=json.dumps(r.case_nos, ensure_ascii=False),
                          mode=r.mode.value if r.mode else None, target_court=r.target_court, forum=r.forum,
                          data=r.model_dump_json())
        for r in recommendations
    )
    return row


def publish_plans(*, session: Session, run_id: str) -> int:
    """Make every plan of a run visible at once (one UPDATE in the caller's transaction)."""
    return rows_affected(session.execute(sa.update(PlanRow).where(col(PlanRow.run_id) == run_id)
                                         .values(published=True)))


def get_plan(*, session: Session, plan_id: str) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None or not row.published:
        raise NotFound(f"no plan {plan_id!r}")
    return row


def list_plans(*, session: Session, scope: str | None = None, limit: int = 50, offset: int = 0) -> list[PlanRow]:
    q = select(PlanRow).where(PlanRow.published == True)  # noqa: E712 (SQL expression)
    if scope:
        q = q.where(PlanRow.scope == scope)
    return list(session.exec(q.order_by(col(PlanRow.created_at).desc()).offset(offset).limit(limit)).all())


def latest_plan(*, session: Session, scope: str) -> PlanRow | None:
    plans = list_plans(session=session, scope=scope, limit=1)
    return plans[0] if plans else None


def plan_recommendations(*, session: Session, plan_id: str) -> list[Recommendation]:
    rows = session.exec(select(RecommendationRow.data).where(RecommendationRow.plan_id == plan_id)
                        .order_by(col(RecommendationRow.id))).all()
    return [Recommendation.model_validate_json(d) for d in rows]
