"""Node alerts stored: the writes of the `node_alert` table (the model and its readers: `assign.alerts`).

A pass upserts the alerts it found, publishes the new ones as events (one `alerts.raised` event
per court and pass, chunked, so webhooks fire once per court, not once per case), and marks
resolved the active alerts it answers for that no longer fire. `assign alerts --save` and the API
save a whole pass at once (`save_alerts`, the pass's courts); the nightly's store pass saves range
by range in its workers (`save_range_alerts`, the range's case numbers) and publishes the night's
new ones at its end (`publish_pending`): the same rows and the same events.

A pass writes only what changed (issue 17: a national night finds ~777k alerts, nearly all of them
unchanged since the night before, and a range's writes hold the store's write lock). A row stores the
alert without the values of the day it is seen on (`assign.alerts.stored_data`; its readers put them
back from the row's `as_of`: `assign.alerts.alert_fields`), so an alert found again is compared with
its row's `data` as the range reads its rows: a changed one (court, severity, rules, dates, ruleset)
is rewritten whole, an unchanged one only gets the pass's day as its `as_of`, in one statement per
chunk of row ids (`UPDATE node_alert SET as_of = ? WHERE id IN (…)`, the ids in the SQL text: no
JSON, no per-row parameters), and not even that when the pass runs again on the same day. `updated` counts the alerts
found again, rewritten or not; `updated_at` is when a row's content or lifecycle last changed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from assign import events
from assign.alerts import EVENT_KIND, Alert, AlertRow, AlertValues, RaisedAlert
from assign.db import execute_rows, table_of
from assign.models import utcnow

EVENT_CHUNK = 500  # alerts per event payload
WRITE_CHUNK = 5_000  # rows per executemany


def save_alerts(*, session: Session, as_of: date, alerts: Sequence[Alert],
                court_codes: Sequence[str] | None = None) -> dict[str, int]:
    """`save_alert_values` of `alerts`."""
    return save_alert_values(session=session, as_of=as_of, alerts=[AlertValues.of(a) for a in alerts],
                             court_codes=court_codes)


def save_alert_values(*, session: Session, as_of: date, alerts: Sequence[AlertValues],
                      court_codes: Sequence[str] | None = None) -> dict[str, int]:
    """Upsert `alerts`; resolve the active alerts of the pass's courts (None: every court) that no
    longer fire; publish the new ones. Returns counts: new, updated, resolved, events."""
    q = _active_query()
    if court_codes is not None:
        q = q.where(table_of(AlertRow).c.court_code.in_(list(court_codes)))
    counts, new = _upsert(session, as_of, alerts, q, published=False)
    claimed = _claim(session, sorted({a.case_no for a in new}))
    return {**counts, "events": publish_new(session=session, as_of=as_of, alerts=_claimed(new, claimed))}


class CaseNoSpan(NamedTuple):
    """The case numbers after < case_no <= upto (None: unbounded) that one range of a store pass answers
    for: consecutive spans of the pass's ranges cover every case number, so every active alert, its case
    stored or not, is resolved by exactly one range when no longer found."""

    after: str | None
    upto: str | None


class RangeSaved(NamedTuple):
    counts: dict[str, int]  # new, updated, resolved
    new: list[RaisedAlert]  # to publish (`publish_pending`): stored, their event not yet published


def save_range_alerts(*, session: Session, as_of: date, alerts: Sequence[AlertValues], span: CaseNoSpan) -> RangeSaved:
    """The range half of a store pass's save (`save_alert_values` split by case number, run by each
    worker as it finishes a range): `alerts` upserted, the active alerts of `span` that no longer fire
    resolved. The new ones are stored as not yet published and returned: the pass publishes them all
    at once (`publish_pending`: the same events as a whole-store save) and marks them published in the
    same transaction. Should the pass stop in between, the next pass finds them unpublished and
    publishes them then: an alert is never stored active without its event following."""
    table = table_of(AlertRow)
    q = _keys_query()  # every alert of the span, active or not (filtered in `_upsert`): read by case number
    if span.after is not None:
        q = q.where(table.c.case_no > span.after)
    if span.upto is not None:
        q = q.where(table.c.case_no <= span.upto)
    counts, new = _upsert(session, as_of, alerts, q, published=False)
    return RangeSaved(counts, new)


def publish_pending(*, session: Session, as_of: date, alerts: Sequence[RaisedAlert]) -> int:
    """Publish the new alerts a store pass's ranges stored (`save_range_alerts`) and mark every stored
    alert published; returns the events published. Only the alerts this transaction marks are
    published (`_claim`): a court's own save (`save_alert_values`) that ran meanwhile and published
    some of them has marked them already."""
    return publish_new(session=session, as_of=as_of, alerts=_claimed(alerts, _claim(session, None)))


Key = tuple[str, str, date | None]


def _claim(session: Session, case_nos: Sequence[str] | None) -> set[Key]:
    """Mark published the unpublished alerts of `case_nos` (None: every case) and return their keys. The
    mark and the read are one statement (UPDATE … RETURNING): of two transactions claiming the same row,
    the second waits for the first (PostgreSQL's row lock; SQLite has one writer) and then finds it
    published, so an alert's event goes out once whichever save publishes it."""
    table = table_of(AlertRow)
    claim = (table.update().where(table.c.published == sa.false()).values(published=True)
             .returning(table.c.case_no, table.c.node, table.c.due_on))
    if case_nos is None:
        return {(n, k, d) for n, k, d in session.execute(claim)}
    found: set[Key] = set()
    for lo in range(0, len(case_nos), WRITE_CHUNK):
        chunk = claim.where(table.c.case_no.in_(case_nos[lo : lo + WRITE_CHUNK]))
        found.update((n, k, d) for n, k, d in session.execute(chunk))
    return found


def _claimed(alerts: Sequence[RaisedAlert], claimed: set[Key]) -> list[RaisedAlert]:
    return [a for a in alerts if a.key in claimed]


def _keys_query() -> sa.Select[Any]:
    """(id, case_no, node, due_on, published, active, as_of, data) of stored alerts, `data` only of the active
    ones (the resolved ones, which only grow in number, are not compared). The callers that narrow it by
    case number leave `active` to `_upsert`: with `active = ?` in the SQL, SQLite reads (active,
    court_code) and walks every active alert of the store for each range (quadratic over a national
    night's ranges)."""
    table = table_of(AlertRow)
    return sa.select(table.c.id, table.c.case_no, table.c.node, table.c.due_on, table.c.published, table.c.active,
                     table.c.as_of, sa.case((table.c.active == sa.true(), table.c.data), else_=sa.null()))


def _active_query() -> sa.Select[Any]:
    return _keys_query().where(table_of(AlertRow).c.active == sa.true())


def _upsert(session: Session, as_of: date, alerts: Sequence[AlertValues], active_query: sa.Select[Any],
            *, published: bool) -> tuple[dict[str, int], list[RaisedAlert]]:
    """Upsert `alerts` and resolve the active alerts of `active_query` (`_keys_query` rows) not among them;
    returns counts (new, updated, resolved) and the alerts whose event is due: not active before, or
    active but never published (a pass stopped before publishing). A row found again with the same
    `data` is not rewritten: only its as_of moves to `as_of` (the module's docstring). Written with one
    executemany per statement (a national night stores hundreds of thousands)."""
    table = table_of(AlertRow)
    found = {a.event[:3]: a for a in alerts}  # by key: a RaisedAlert's first three values are it
    active: dict[Key, int] = {}
    unpublished: set[Key] = set()
    unchanged: set[Key] = set()  # active, found again, its stored content the same
    seen: list[int] = []  # of those, the rows whose as_of is an earlier day
    for i, n, k, d, was_published, is_active, seen_on, data in session.execute(active_query):
        if not is_active:
            continue
        key = (n, k, d)
        active[key] = i
        if not was_published:
            unpublished.add(key)
        again = found.get(key)
        if again is not None and again[1] == data:  # its `data`
            unchanged.add(key)
            if seen_on != as_of:
                seen.append(i)
    key_cols = (table.c.id, table.c.case_no, table.c.node, table.c.due_on)
    revived: dict[Key, int] = {}
    case_nos = sorted({k[0] for k in found if k not in active})  # only a key not active now can be revived
    for lo in range(0, len(case_nos), 5000):  # resolved earlier, firing again
        # by case number alone, `active` tested here (as `_keys_query` says: `active = ?` would walk an index)
        q = sa.select(*key_cols, table.c.active).where(table.c.case_no.in_(case_nos[lo : lo + 5000]))
        revived.update({(n, k, d): i for i, n, k, d, is_active in session.execute(q)
                        if not is_active and (n, k, d) in found})
    now = utcnow()
    by_id = table.c.id == sa.bindparam("row_id")
    cols = ("court_code", "severity", "days_overdue", "as_of", "active", "resolved_on", "data", "updated_at",
            "published")
    update = table.update().where(by_id).values({c: sa.bindparam(c) for c in cols})
    counts = {"new": 0, "updated": len(unchanged)}  # an unchanged one: its as_of only (`seen`, below)
    new: list[RaisedAlert] = []
    # nearly every alert of a night is unchanged and its event out: nothing to do for it here
    items = [item for item in found.items() if item[0] not in unchanged or item[0] in unpublished]
    for lo in range(0, len(items), WRITE_CHUNK):  # rows built and written a chunk at a time: bounded memory
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for key, (event, data) in items[lo : lo + WRITE_CHUNK]:
            due = key not in active or key in unpublished  # never seen, raised again, or its event not yet out
            if due:
                new.append(event)
            if key in unchanged:
                continue
            values = {"court_code": event.court_code, "severity": event.severity,
                      "days_overdue": event.days_overdue, "as_of": as_of, "active": True, "resolved_on": None,
                      "data": data, "updated_at": now, "published": published or not due}
            row_id = active.get(key) or revived.get(key)
            if row_id is None:
                inserts.append({**values, "case_no": event.case_no, "node": event.node, "due_on": event.due_on,
                                "first_seen_on": as_of})
            else:
                updates.append({**values, "row_id": row_id})
        if inserts:
            execute_rows(session, table.insert(), inserts)
        if updates:
            execute_rows(session, update, updates)
        counts["new"] += len(inserts)
        counts["updated"] += len(updates)
    for lo in range(0, len(seen), WRITE_CHUNK):  # the ids written into the SQL: row ids read above, integers
        ids = ",".join(str(int(i)) for i in seen[lo : lo + WRITE_CHUNK])
        session.execute(sa.text(f"UPDATE {table.name} SET as_of = :seen_on WHERE id IN ({ids})")
                        .bindparams(sa.bindparam("seen_on", type_=sa.Date)), {"seen_on": as_of})
    resolved = [{"row_id": i, "resolved_on": as_of, "updated_at": now} for k, i in active.items() if k not in found]
    if resolved:
        execute_rows(session, table.update().where(by_id).values(
            active=False, resolved_on=sa.bindparam("resolved_on"), updated_at=sa.bindparam("updated_at")), resolved)
    session.flush()
    return {**counts, "resolved": len(resolved)}, new


def publish_new(*, session: Session, as_of: date, alerts: Sequence[RaisedAlert]) -> int:
    """One `alerts.raised` event per court (chunked), listing its new alerts in case order (nodes in
    process order within a case), whatever order the pass found them in."""
    by_court: dict[str, list[RaisedAlert]] = defaultdict(list)
    for a in sorted(alerts, key=lambda a: a.case_no):  # stable: a case's nodes keep their order
        by_court[a.court_code].append(a)
    new: list[events.NewEvent] = []
    for court in sorted(by_court):
        batch = by_court[court]
        for lo in range(0, len(batch), EVENT_CHUNK):
            chunk = batch[lo : lo + EVENT_CHUNK]
            payload: dict[str, Any] = {
                "idempotency_key": f"alerts:{as_of.isoformat()}:{court}:{_digest(chunk)}",
                "as_of": as_of.isoformat(), "court_code": court, "count": len(chunk),
                "alerts": [{"case_no": a.case_no, "node": a.node, "severity": a.severity,
                            "due_on": a.due_on.isoformat() if a.due_on else None,
                            "days_overdue": a.days_overdue, "legal_basis": a.legal_basis} for a in chunk],
            }
            new.append(events.NewEvent(EVENT_KIND, f"{court}: {len(chunk)} new", payload))
    return len(events.publish_many(session=session, items=new))


def _digest(alerts: Sequence[RaisedAlert]) -> str:
    """The same new alerts give the same key (a rerun publishes nothing new anyway)."""
    text = "|".join(f"{a.case_no}:{a.node}:{a.due_on}" for a in alerts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
