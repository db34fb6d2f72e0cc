"""Integration: the event feed with a cursor, and webhook subscriptions (admin)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from api.deps import AdminKeyDep, FeedKeyDep, SessionDep, SettingsDep
from api.egress import redact_url, target_policy, url_problem
from api.routes._shared import AUTH_ERRORS, Cursor, IdPath, Limit, errors
from api.service.events import feed_page
from assign import events

router = APIRouter(prefix="/v1", tags=["events"], responses=AUTH_ERRORS)


class EventOut(BaseModel):
    id: int
    kind: str
    subject: str
    payload: Any
    created_at: str


class EventsPage(BaseModel):
    events: list[EventOut]
    next_after: int = Field(description="pass as ?after= to read on")
    has_more: bool


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"url": "https://hub.example.org/hooks/assign", "kinds": ["plan.published", "decision.accept"]}]})

    url: AnyHttpUrl
    kinds: list[str] = Field(default_factory=list, max_length=100, description="event kinds; empty = every kind")
    secret: str | None = Field(default=None, min_length=16, max_length=128, pattern=r"^[\x21-\x7e]+$",
                               description="HMAC key (default: generated and returned once)")

    @field_validator("url")
    @classmethod
    def no_credentials(cls, url: AnyHttpUrl) -> AnyHttpUrl:
        problem = url_problem(str(url))
        if problem:
            raise ValueError(problem)
        return url


class SubscriptionOut(BaseModel):
    id: int
    url: str
    kinds: list[str]
    active: bool
    created_at: str
    secret: str | None = Field(default=None, description="only in the response that created it")


class SubscriptionsPage(BaseModel):
    data: list[SubscriptionOut]
    count: int


class DeliveryOut(BaseModel):
    id: int
    event_id: int
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: str
    last_status_code: int | None
    last_error: str | None
    delivered_at: str | None


def _sub(sub: events.WebhookSubscription, secret: bool = False) -> dict[str, Any]:
    return {"id": sub.id, "url": redact_url(sub.url), "kinds": json.loads(sub.kinds), "active": sub.active,
            "created_at": sub.created_at.isoformat(), "secret": sub.secret if secret else None}


@router.get("/events", response_model=EventsPage, summary="Events after the cursor, oldest first")
def read_events(_key: FeedKeyDep, session: SessionDep, after: Cursor = 0, limit: Limit = 100,
                kind: list[str] | None = Query(default=None, max_length=20)) -> dict[str, Any]:
    return feed_page(session=session, after=after, limit=limit, kinds=kind)


@router.post("/webhooks", response_model=SubscriptionOut, status_code=201,
             summary="Subscribe a URL to events (admin); the HMAC secret is returned once")
def create_webhook(body: SubscriptionIn, _key: AdminKeyDep, session: SessionDep,
                   settings: SettingsDep) -> dict[str, Any]:
    problem = target_policy(settings).literal_problem(str(body.url))
    if problem:
        raise RequestValidationError([{"type": "value_error", "loc": ("body", "url"), "msg": problem,
                                       "input": redact_url(str(body.url))}])
    sub = events.create_subscription(session=session, url=str(body.url), kinds=body.kinds, secret=body.secret)
    return _sub(sub, secret=True)


@router.get("/webhooks", response_model=SubscriptionsPage)
def list_webhooks(_key: AdminKeyDep, session: SessionDep) -> dict[str, Any]:
    rows = events.list_subscriptions(session=session)
    return {"data": [_sub(s) for s in rows], "count": len(rows)}


@router.delete("/webhooks/{subscription_id}", response_model=SubscriptionOut, responses=errors(404),
               summary="Stop a subscription (pending deliveries are given up)")
def delete_webhook(subscription_id: IdPath, _key: AdminKeyDep, session: SessionDep) -> dict[str, Any]:
    return _sub(events.deactivate_subscription(session=session, subscription_id=subscription_id))


@router.get("/webhooks/{subscription_id}/deliveries", response_model=list[DeliveryOut], responses=errors(404))
def webhook_deliveries(subscription_id: IdPath, _key: AdminKeyDep, session: SessionDep,
                       limit: Limit = 100) -> list[dict[str, Any]]:
    events.get_subscription(session=session, subscription_id=subscription_id)
    rows = events.list_deliveries(session=session, subscription_id=subscription_id, limit=limit)
    return [{**r.model_dump(exclude={"subscription_id"}), "next_attempt_at": r.next_attempt_at.isoformat(),
             "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None} for r in rows]
