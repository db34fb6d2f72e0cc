"""Keyword-only reads and writes for the domain tables: the network, cases and verdicts.

Plans and recommendations are in `assign.plans`, decisions in `assign.decisions`, nightly
runs in `assign.runs`, batch jobs in `assign.jobs`, the dispatcher queue's reads of a day's
verdicts in `assign.verdict_queue`; bulk case import in `assign.importer`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, delete, func, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from assign import stored_verdict
from assign.db import table_of, upsert
from assign.errors import NotFound
from assign.models import CaseRow, CourtRow, NetworkMeta, VerdictRow, utcnow
from assign.network import CourtNetwork, builtin_network
from assign.schemas import Case, CaseStatus, Court, Verdict
from assign.stored_case import CHECKS_VERSION, StoredRecord, content_digest, read_case, read_stored, utf8_bytes
from assign.stored_verdict import read_verdict, stored_json

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


def stored_network_hash(*, session: Session) -> str | None:
    """The content hash of the loaded custom network (None: the built-in one is active); a cheap staleness check."""
    meta = session.get(NetworkMeta, 1)
    return meta.content_hash if meta else None


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


def get_case(*, session: Session, case_no: str) -> Case:
    row = session.get(CaseRow, case_no)
    if row is None:
        raise NotFound(f"no case {case_no!r}")
    case = read_case(case_no, row.data)
    assert case is not None
    return case


def get_cases(*, session: Session, case_nos: Sequence[str], unreadable: dict[str, str] | None = None) -> list[Case]:
    """The stored cases among `case_nos`, in the order asked (missing ones skipped; unreadable ones:
    `read_stored`)."""
    found: dict[str, Case | None] = {}
    for start in range(0, len(case_nos), 5000):
        chunk = list(case_nos[start : start + 5000])
        for row in session.exec(select(CaseRow).where(col(CaseRow.case_no).in_(chunk))):
            record = StoredRecord(row.case_no, row.data, row.content_hash, row.checks_version)
            found[row.case_no] = read_stored(record, unreadable)
    return [case for c in case_nos if (case := found.get(c)) is not None]


def _case_column(session: Session, column: Any, case_nos: Sequence[str]) -> dict[str, Any]:
    """case_no -> `column` of the stored cases among `case_nos` (missing ones absent), 5,000 a query."""
    out: dict[str, Any] = {}
    for start in range(0, len(case_nos), 5000):
        q = select(CaseRow.case_no, column).where(col(CaseRow.case_no).in_(list(case_nos[start : start + 5000])))
        out.update({no: value for no, value in session.exec(q)})
    return out


def case_courts(*, session: Session, case_nos: Sequence[str]) -> dict[str, str]:
    """case_no -> the court the case is stored under (its enforcing court), for the stored ones among `case_nos`."""
    return _case_column(session, CaseRow.court_code, case_nos)


def case_filed_dates(*, session: Session, case_nos: Sequence[str]) -> dict[str, date]:
    """case_no -> the day the case was filed (立案), for the stored ones among `case_nos`."""
    return _case_column(session, CaseRow.filed_on, case_nos)


def case_row_values(case: Case) -> dict[str, Any]:
    """The `case_record` row for a case (checked: a `Case` is validated) under the current checks: the query
    columns plus the full JSON and its hash (`assign.stored_case`)."""
    data = case.model_dump_json()
    return {
        "case_no": case.case_no, "court_code": case.court_code, "status": case.status.value,
        "debtor_id": case.debtor.id, "obligation": case.obligation.value, "received_on": case.received_on,
        "filed_on": case.filed_on, "content_hash": content_digest(data), "data": data,
        "checks_version": CHECKS_VERSION, "updated_at": utcnow(),
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


Statuses = CaseStatus | Sequence[CaseStatus] | None  # one status, several, or every case


def _where_status(q: Any, status: Statuses) -> Any:
    if isinstance(status, CaseStatus):
        return q.where(CaseRow.status == status.value)
    if status is not None:
        return q.where(col(CaseRow.status).in_(sorted(s.value for s in status)))
    return q


def _keyset_pages(session: Session, columns: Sequence[Any], *, batch_size: int, status: Statuses,
                  court_codes: Sequence[str] | None) -> Iterator[Sequence[Any]]:
    """Rows of `columns` (the first is `CaseRow.case_no`) in case_no order, `batch_size` at a time:
    the one keyset scan over cases (each page starts after the last key of the one before)."""
    after = ""
    while True:
        q = _where_status(select(*columns).where(CaseRow.case_no > after), status)
        if court_codes is not None:
            q = q.where(col(CaseRow.court_code).in_(list(court_codes)))
        # `execute`, not `exec`: rows even for one column (SQLModel's `exec` gives scalars then)
        rows = session.execute(q.order_by(col(CaseRow.case_no)).limit(batch_size)).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def iter_cases(
    *, session: Session, batch_size: int = 5000, status: CaseStatus | None = CaseStatus.OPEN,
    court_codes: Sequence[str] | None = None, unreadable: dict[str, str] | None = None,
) -> Iterator[list[Case]]:
    """Stream stored cases in case_no order, `batch_size` at a time (keyset pagination; unreadable
    records: `read_stored`)."""
    columns = (CaseRow.case_no, CaseRow.data, CaseRow.content_hash, CaseRow.checks_version)
    for rows in _keyset_pages(session, columns, batch_size=batch_size, status=status, court_codes=court_codes):
        yield [case for row in rows if (case := read_stored(StoredRecord(*row), unreadable)) is not None]


def case_no_ranges(*, session: Session, size: int, status: CaseStatus | None = CaseStatus.OPEN,
                   court_codes: Sequence[str] | None = None) -> Iterator[tuple[str, str, int]]:
    """(first, last, count) of consecutive stored case numbers, `size` at a time (work units for a pool);
    `status` None = every status, `court_codes` None = every court.

    The database finds each range's bounds (`LIMIT 1` and `OFFSET size - 1` over the case numbers after the
    last range, in index order) without handing the numbers between them to Python: the keyset scan that
    fetched every number took 8.6 s of CPU (20 s wall) on the national store before a night's workers
    could start, this takes a fraction of a second. One status or all: with several, SQLite (no planner
    statistics) would read the status index and sort what is left for every range."""
    after = ""
    while True:
        rest = _where_status(select(CaseRow.case_no).where(CaseRow.case_no > after), status)
        if court_codes is not None:
            rest = rest.where(col(CaseRow.court_code).in_(list(court_codes)))
        rest = rest.order_by(col(CaseRow.case_no))
        first = session.exec(rest.limit(1)).first()
        if first is None:
            return
        last = session.exec(rest.offset(size - 1).limit(1)).first()
        if last is None:  # the last range, shorter than `size`
            tail = rest.order_by(None).subquery()
            last, count = session.execute(select(func.max(tail.c.case_no), func.count()).select_from(tail)).one()
            yield first, last, int(count)
            return
        yield first, last, size
        after = last


def case_records_between(*, session: Session, first: str, last: str, status: Statuses = CaseStatus.OPEN,
                         court_codes: Sequence[str] | None = None) -> list[StoredRecord]:
    """The stored rows with first <= case_no <= last, in order: one range of `case_no_ranges` (same statuses
    and courts), unparsed so the caller can report a bad record without losing the rest (`read_stored`)."""
    q = select(CaseRow.case_no, utf8_bytes(CaseRow.data), CaseRow.content_hash, CaseRow.checks_version)
    q = _where_status(q.where(CaseRow.case_no >= first).where(CaseRow.case_no <= last), status)
    if court_codes is not None:
        q = q.where(col(CaseRow.court_code).in_(list(court_codes)))
    return [StoredRecord(*row) for row in session.exec(q.order_by(CaseRow.case_no)).all()]


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
    return {d: int(n) for d, n in session.exec(debtor_counts_query(status)).all()}


def debtor_counts_query(status: CaseStatus | Iterable[CaseStatus] | None) -> Select[str, int]:
    """The debtors with more than one case of `status`; with a status it reads the (status, debtor_id) index alone."""
    q = select(CaseRow.debtor_id, func.count()).group_by(CaseRow.debtor_id).having(func.count() > 1)
    if isinstance(status, CaseStatus):
        q = q.where(CaseRow.status == status.value)
    elif status is not None:
        q = q.where(col(CaseRow.status).in_(sorted(s.value for s in status)))
    return q


def debtor_court_counts(*, session: Session, status: CaseStatus | None = CaseStatus.OPEN) -> dict[str, int]:
    """In how many distinct courts each repeat debtor has (open) cases."""
    q = (select(CaseRow.debtor_id, func.count(sa.distinct(col(CaseRow.court_code))))
         .group_by(CaseRow.debtor_id).having(func.count() > 1))
    if status is not None:
        q = q.where(CaseRow.status == status.value)
    return {d: int(n) for d, n in session.exec(q).all()}


# ---------------------------------------------------------------- verdicts


def save_verdicts(*, session: Session, verdicts: Sequence[Verdict]) -> int:
    """Store verdicts; one per (case, as_of, rulebook hash), so re-runs replace, never duplicate. The fired
    rules' fixed texts are stored once (`assign.stored_verdict`)."""
    if not verdicts:
        return 0
    texts: dict[str, stored_verdict.TextSet] = {}
    now = utcnow()
    values = [{"case_no": v.case_no, "as_of": v.as_of, "outcome": str(v.outcome), "forum": v.forum,
               "recommended_mode": str(v.recommended_mode) if v.recommended_mode else None,
               "rulebook_hash": v.rulebook_version.hash, "data": stored_json(v, texts), "created_at": now}
              for v in verdicts]
    stored_verdict.save_texts(session=session, texts=texts)
    upsert(session, table_of(VerdictRow), values, key=["as_of", "case_no", "rulebook_hash"],
           update=["outcome", "forum", "recommended_mode", "data", "created_at"])
    return len(values)


def latest_verdict_query(case_no: str) -> SelectOfScalar[str]:
    """The stored form of the case's newest verdict (index (case_no, as_of): one entry read)."""
    return (select(VerdictRow.data).where(VerdictRow.case_no == case_no)
            .order_by(col(VerdictRow.as_of).desc(), col(VerdictRow.id).desc()).limit(1))


def latest_verdict(*, session: Session, case_no: str) -> Verdict:
    data = session.exec(latest_verdict_query(case_no)).first()
    if data is None:
        raise NotFound(f"no verdict for case {case_no!r}")
    return read_verdict(session, data)


def verdicts_on(*, session: Session, as_of: date, outcome: str | None = None) -> list[Verdict]:
    q = select(VerdictRow.data).where(VerdictRow.as_of == as_of)
    if outcome:
        q = q.where(VerdictRow.outcome == outcome)
    return [read_verdict(session, d) for d in session.exec(q).all()]
