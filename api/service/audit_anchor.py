"""`assign audit anchor`: sign the audit chain's head and put it outside the database
(the file `ASSIGN_AUDIT_ANCHOR_FILE`, and `ASSIGN_AUDIT_ANCHOR_URL` when set, POSTed under the
webhook target rules of api/egress.py). Run it from cron (e.g. hourly, and after each night)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from api.config import Settings
from api.egress import TargetDenied, target_policy
from api.service.audit import anchor_keys
from assign import anchor, audit
from assign.db import session_scope
from assign.errors import Conflict


def make_anchor(engine: Engine, settings: Settings) -> anchor.Anchor:
    """Check the chain (links and the previous anchor), then sign its head and store the anchor.
    A broken chain is not anchored: that would bless the damage."""
    keys = anchor_keys(settings)
    previous = anchor.latest(settings.audit_anchor_file)
    with session_scope(engine) as session:
        broken = audit.verify(session) or (anchor.check(session, previous, keys) if previous else None)
        if broken is not None:
            raise Conflict(f"the audit chain is broken at seq {broken.seq} ({broken.reason}); not anchored")
        seq, head = anchor.chain_head(session)
    signed = anchor.sign(seq, head, keys)
    anchor.write(signed, settings.audit_anchor_file)
    if settings.audit_anchor_url:
        try:
            status = target_policy(settings).post(settings.audit_anchor_url, content=signed.model_dump_json().encode(),
                                                  headers={"Content-Type": "application/json"})
        except TargetDenied as e:
            raise Conflict(f"anchor written to {settings.audit_anchor_file}, but the POST failed: {e}") from None
        if not 200 <= status < 300:
            raise Conflict(f"anchor written to {settings.audit_anchor_file}, but the receiver answered HTTP {status}")
    return signed
