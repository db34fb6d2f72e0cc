"""Webhook delivery: signed POSTs of feed events, retried with backoff, at least once.

Each request carries
- `X-Signature: sha256=<hex>`: HMAC-SHA256 with the subscription's secret over
  `<timestamp>.<body>` (the receiver recomputes it and rejects stale timestamps);
- `X-Timestamp`: Unix seconds when it was signed;
- `Idempotency-Key: <event id>:<subscription id>`: the same for every retry of one
  delivery, so a receiver that saw it already can drop the duplicate;
- `X-Event-Id`, `X-Event-Kind`.

Targets are checked at each connection (api/egress.py: resolved then, internal addresses
refused unless allow-listed, bounded in time and concurrency, generic error texts).
A 2xx answer marks the delivery done. Anything else (or no answer) schedules the next
attempt after `base * 2^(attempts-1)` seconds (capped), until `max_attempts`.
A delivery whose process dies after the POST but before recording it is sent again:
at least once, never "at most once".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from api.egress import TargetDenied, TargetPolicy
from assign import events
from assign.masking import mask_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float = 30.0
    cap_s: float = 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1)))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver runs (also used by the tests' receiver)."""
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def deliver_due(session: Session, targets: TargetPolicy, now: datetime, *, policy: RetryPolicy | None = None,
                limit: int = 100) -> dict[str, int]:
    """Attempt every delivery that is due; returns counts of delivered, retrying and failed."""
    policy = policy or RetryPolicy()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for delivery in events.due_deliveries(session=session, now=now, limit=limit):
        sub = events.get_subscription(session=session, subscription_id=delivery.subscription_id)
        event = events.get_event(session=session, event_id=delivery.event_id)
        if not sub.active:
            events.record_attempt(session=session, delivery=delivery, ok=False, now=now, status_code=None,
                                  error="subscription deactivated", retry_at=None)
            counts["failed"] += 1
            continue
        body = json.dumps(event.as_dict(), ensure_ascii=False, sort_keys=True).encode()
        timestamp = str(int(now.timestamp()))
        headers = {"Content-Type": "application/json", "X-Signature": sign(sub.secret, timestamp, body),
                   "X-Timestamp": timestamp, "Idempotency-Key": delivery.idempotency_key,
                   "X-Event-Id": str(event.id), "X-Event-Kind": event.kind}
        status: int | None = None
        error: str | None = None
        try:
            status = targets.post(sub.url, content=body, headers=headers)
            ok = 200 <= status < 300
            if not ok:
                error = f"HTTP {status}"
        except TargetDenied as e:  # generic by construction: no socket error text
            ok, error = False, str(e)
        attempts = delivery.attempts + 1
        retry_at = None if ok or attempts >= policy.max_attempts else now + policy.delay(attempts)
        events.record_attempt(session=session, delivery=delivery, ok=ok, now=now, status_code=status,
                              error=mask_text(error or ""), retry_at=retry_at)
        if ok:
            counts["delivered"] += 1
        elif retry_at is None:
            counts["failed"] += 1
            log.warning("webhook %s gave up after %d attempts: %s", delivery.idempotency_key, attempts, error)
        else:
            counts["retrying"] += 1
        session.commit()  # each attempt's outcome is durable before the next POST
    return counts
