"""The event feed (cursor by id) and webhook subscriptions with their deliveries.

Event ids come from the 'events' row of `log_head`, claimed with the same locked UPDATE as
the audit chain: ids are handed out in commit order, so a reader that has seen id N never
later finds a new event below N (a plain autoincrement can commit 7 before 6, and a
cursor at 7 would skip 6 for ever).

Publishing an event also queues one delivery per matching active subscription in the same
transaction, so an event that exists is an event that will be delivered (at least once).
The delivery's idempotency key is `<event id>:<subscription id>`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from assign.audit import SUBJECT_LEN, ChainItem, next_seq
from assign.db import get_row, table_of
from assign.models import utcnow

EVENT_CHAIN = "events"


class Event(SQLModel, table=True):
    __tablename__ = "event"
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(index=True, max_length=48)  # case.imported | case.updated | plan.created | decision.made ...
    subject: str = Field(max_length=SUBJECT_LEN)
    payload: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "subject": self.subject, "payload": json.loads(self.payload),
                "created_at": self.created_at.isoformat()}


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=128)  # the HMAC key; the receiver holds the same value
    kinds: str = Field(default="[]", max_length=2000)  # JSON list of event kinds; [] = every kind
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)

    def wants(self, kind: str) -> bool:
        kinds = json.loads(self.kinds)
        return not kinds or kind in kinds


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(index=True)
    subscription_id: int = Field(index=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    status: str = Field(default=DeliveryStatus.PENDING.value, index=True, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = None


def publish(*, session: Session, kind: str, subject: str, payload: dict[str, Any]) -> Event:
    """Append one event (id in commit order) and queue its webhook deliveries."""
    seq, _ = next_seq(session=session, chain=EVENT_CHAIN)
    item = NewEvent(kind, subject, payload)
    event = Event(id=seq, kind=kind, subject=item.stored_subject, payload=item.payload_text)
    session.add(event)
    for sub in session.exec(select(WebhookSubscription).where(WebhookSubscription.active == True)).all():  # noqa: E712
        if sub.wants(kind):
            session.add(WebhookDelivery(event_id=seq, subscription_id=sub.id or 0,
                                        idempotency_key=f"{seq}:{sub.id}", next_attempt_at=event.created_at))
    session.flush()
    return event


@dataclass(frozen=True)
class NewEvent(ChainItem):
    """One event to publish."""


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    """A `NewEvent` whose payload is already its stored JSON text (`ChainItem.payload_text`): encoded where it was
    built (a worker process of the leads pass), so the publishing process receives and stores one string instead
    of unpickling a nested payload and encoding it again."""

    kind: str
    subject: str
    payload_text: str

    @classmethod
    def of(cls, event: NewEvent) -> EncodedEvent:
        return cls(event.kind, event.subject, event.payload_text)

    @property
    def stored_subject(self) -> str:
        return self.subject[:SUBJECT_LEN]


def publish_many(*, session: Session, items: Sequence[NewEvent | EncodedEvent]) -> list[int]:
    """`publish` of many events at once: their ids claimed in one locked UPDATE (consecutive, in the
    order given, still in commit order), the rows and their deliveries written with one executemany
    each (a night publishes thousands: one by one took ~5 ms each). Returns the ids."""
    if not items:
        return []
    first, _ = next_seq(session=session, chain=EVENT_CHAIN, count=len(items))
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {"id": first + i, "kind": e.kind, "subject": e.stored_subject, "created_at": now, "payload": e.payload_text}
        for i, e in enumerate(items)]
    subs = session.exec(select(WebhookSubscription).where(WebhookSubscription.active == True)).all()  # noqa: E712
    deliveries = [{"event_id": r["id"], "subscription_id": sub.id or 0, "idempotency_key": f"{r['id']}:{sub.id}",
                   "status": DeliveryStatus.PENDING.value, "attempts": 0, "next_attempt_at": now}
                  for r in rows for sub in subs if sub.wants(r["kind"])]
    session.flush()  # anything the session still holds goes first, as `publish` would have ordered it
    session.execute(sa.insert(table_of(Event)), rows)
    if deliveries:
        session.execute(sa.insert(table_of(WebhookDelivery)), deliveries)
    return [r["id"] for r in rows]


def list_events(*, session: Session, after: int = 0, limit: int = 100, kinds: list[str] | None = None) -> list[Event]:
    q = select(Event).where(Event.id > after)
    if kinds:
        q = q.where(col(Event.kind).in_(kinds))
    return list(session.exec(q.order_by(col(Event.id)).limit(limit)).all())


def get_event(*, session: Session, event_id: int) -> Event:
    return get_row(session, Event, event_id, "event")


# ---------------------------------------------------------------- subscriptions


def create_subscription(*, session: Session, url: str, kinds: list[str],
                        secret: str | None = None) -> WebhookSubscription:
    sub = WebhookSubscription(url=url, kinds=json.dumps(sorted(set(kinds))), secret=secret or secrets.token_hex(32))
    session.add(sub)
    session.flush()
    return sub


def list_subscriptions(*, session: Session) -> list[WebhookSubscription]:
    return list(session.exec(select(WebhookSubscription).order_by(col(WebhookSubscription.id))).all())


def get_subscription(*, session: Session, subscription_id: int) -> WebhookSubscription:
    return get_row(session, WebhookSubscription, subscription_id, "webhook subscription")


def deactivate_subscription(*, session: Session, subscription_id: int) -> WebhookSubscription:
    sub = get_subscription(session=session, subscription_id=subscription_id)
    sub.active = False
    session.add(sub)
    return sub


# ---------------------------------------------------------------- deliveries


def due_deliveries(*, session: Session, now: datetime, limit: int = 100) -> list[WebhookDelivery]:
    """Pending deliveries whose time has come, oldest event first (rows locked on PostgreSQL)."""
    q = (select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING.value)
         .where(WebhookDelivery.next_attempt_at <= now)
         .order_by(col(WebhookDelivery.event_id), col(WebhookDelivery.id)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return list(session.exec(q).all())


def record_attempt(*, session: Session, delivery: WebhookDelivery, ok: bool, now: datetime,
                   status_code: int | None, error: str | None, retry_at: datetime | None) -> None:
    """Record one attempt: delivered, rescheduled at `retry_at`, or (retry_at None) given up."""
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = (error or "")[:500] or None
    if ok:
        delivery.status = DeliveryStatus.DELIVERED.value
        delivery.delivered_at = now
    elif retry_at is None:
        delivery.status = DeliveryStatus.FAILED.value
    else:
        delivery.next_attempt_at = retry_at
    session.add(delivery)


def list_deliveries(*, session: Session, subscription_id: int | None = None, limit: int = 100) -> list[WebhookDelivery]:
    q = select(WebhookDelivery)
    if subscription_id is not None:
        q = q.where(WebhookDelivery.subscription_id == subscription_id)
    return list(session.exec(q.order_by(col(WebhookDelivery.id).desc()).limit(limit)).all())
