"""Events published many at once are what publishing them one by one gives: consecutive ids in the
order given (after any earlier event), the same rows, one delivery per matching active subscription."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from assign import events
from assign.db import session_scope
from assign.models import utcnow

ITEMS = [events.NewEvent("alerts.raised", f"court {i}: 3 new", {"court": str(i), "zh": "执行", "n": i})
         for i in range(5)] + [events.NewEvent("leads.raised", "x" * 300, {"n": 9})]


def _published(engine: Engine, many: bool,
               encoded: bool = False) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with session_scope(engine) as s:
        wanted = events.create_subscription(session=s, url="https://a.example/hook", kinds=["alerts.raised"])
        every = events.create_subscription(session=s, url="https://b.example/hook", kinds=[])
        idle = events.create_subscription(session=s, url="https://c.example/hook", kinds=[])
        events.deactivate_subscription(session=s, subscription_id=idle.id or 0)
        events.publish(session=s, kind="case.imported", subject="before", payload={})
        if many:
            ids = events.publish_many(session=s, items=[events.EncodedEvent.of(e) for e in ITEMS] if encoded else ITEMS)
        else:
            ids = [events.publish(session=s, kind=e.kind, subject=e.subject, payload=e.payload).id for e in ITEMS]
        assert ids == list(range(ids[0], ids[0] + len(ITEMS)))
        rows = [(e.id, e.kind, e.subject, e.payload) for e in events.list_events(session=s, limit=100)]
        subs = {wanted.id: "wanted", every.id: "every"}
        deliveries = sorted((d.event_id, subs[d.subscription_id], d.idempotency_key.split(":")[0], d.status,
                             d.attempts) for d in events.due_deliveries(session=s, now=utcnow(), limit=100))
    return rows, deliveries


def _cleared(engine: Engine) -> Engine:
    with engine.begin() as conn:
        for table in ("webhook_delivery", "webhook_subscription", "event"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("UPDATE log_head SET last_seq = 0 WHERE name = 'events'")
    return engine


def test_publish_many_writes_what_publish_writes(engine: Engine) -> None:
    one_by_one = _published(engine, many=False)
    assert _published(_cleared(engine), many=True) == one_by_one
    assert _published(_cleared(engine), many=True, encoded=True) == one_by_one  # payloads encoded beforehand
    assert len(one_by_one[1]) == 5 * 2 + 2  # alerts: both active subscriptions; the lead: the catch-all
