"""The event feed page and the delivery run, shared by the routes and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.config import get_settings
from api.egress import TargetPolicy, target_policy
from api.webhooks import RetryPolicy, deliver_due
from assign import events
from assign.db import session_scope
from assign.models import utcnow


def feed_page(*, session: Session, after: int, limit: int, kinds: list[str] | None) -> dict[str, Any]:
    """Events after the cursor; `next_after` is the cursor for the next call (unchanged when empty)."""
    rows = events.list_events(session=session, after=after, limit=limit, kinds=kinds)
    return {"events": [e.as_dict() for e in rows], "next_after": rows[-1].id if rows else after,
            "has_more": len(rows) == limit}


def deliver_now(engine: Engine, *, now: datetime | None = None, policy: RetryPolicy | None = None,
                targets: TargetPolicy | None = None) -> dict[str, int]:
    """One pass over due deliveries (what `assign webhooks deliver` runs, e.g. every minute from cron).
    `targets`: the outbound rules (default: from the environment's settings)."""
    with session_scope(engine) as session:
        return deliver_due(session, targets or target_policy(get_settings()), now or utcnow(), policy=policy)
