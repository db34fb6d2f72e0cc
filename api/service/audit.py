"""The pipeline's audit records of evaluations and decisions, and the chain check.

Written here: one record per evaluation request (`record_verdicts`: the evaluate routes and
batch jobs) and one per dispatcher decision (`record_decision`). The other kinds are written
where their event is made: plans by `api.service.plan_store` (`audit_entry`, for single
cases, batch jobs and nightly runs alike), a night's verdict summary by
`api.nightly.stages.publish_night`, document drafts by `api.routes.documents`.
`verify_chain` is the report of `GET /v1/audit/verify` and `assign audit verify`.

Payloads hold what a reviewer needs to re-derive the event (case numbers, outcomes,
rulebook hash, courts, reasons) and never a party ID number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.config import Settings
from assign import anchor, audit
from assign.db import session_scope
from assign.schemas import Verdict


def verdict_json(verdict: Verdict) -> bytes:
    """A verdict's JSON as the API sends it (pydantic-core, UTF-8): what the digest covers."""
    return Verdict.__pydantic_serializer__.to_json(verdict)


def verdicts_digest(verdicts: Sequence[Verdict], serialized: Sequence[bytes] | None = None) -> str:
    """SHA-256 over every verdict's JSON in order; `serialized`: those JSONs when the caller has them
    already (`verdict_json` of each verdict: a 5,000-case answer is then serialised once, not twice)."""
    h = hashlib.sha256()
    for data in serialized if serialized is not None else map(verdict_json, verdicts):
        h.update(data)
    return h.hexdigest()


def record_verdicts(*, session: Session, verdicts: Sequence[Verdict], actor: str, stored: bool,
                    serialized: Sequence[bytes] | None = None) -> None:
    """One record per evaluation request: every case's outcome plus a digest of the full verdicts
    (`serialized`: their `verdict_json`, if the caller has it)."""
    if not verdicts:
        return
    first = verdicts[0]
    payload = {
        "stored": stored, "count": len(verdicts), "as_of": first.as_of.isoformat(),
        "rulebook": first.rulebook_version.model_dump(), "digest": verdicts_digest(verdicts, serialized),
        "outcomes": {v.case_no: str(v.outcome) for v in verdicts},
    }
    subject = first.case_no if len(verdicts) == 1 else f"{len(verdicts)} cases from {first.case_no}"
    audit.append(session=session, kind="verdicts", subject=subject, payload=payload, actor=actor)


def record_decision(*, session: Session, decision: dict[str, Any], actor: str) -> None:
    audit.append(session=session, kind="decision", subject=f"recommendation:{decision['recommendation_id']}",
                 payload=decision, actor=actor)


def verify_chain(engine: Engine, settings: Settings | None = None) -> dict[str, Any]:
    """The report `GET /v1/audit/verify` and `assign audit verify` print: the links, then (with
    `settings`) the latest external anchor (`api/service/audit_anchor.py`)."""
    latest = anchor.latest(settings.audit_anchor_file) if settings is not None else None
    with session_scope(engine) as session:
        broken = audit.verify(session)
        total = audit.count_records(session=session)
        if broken is None and latest is not None and settings is not None:
            broken = anchor.check(session, latest, anchor_keys(settings))
    report = {"records": total, "anchor_seq": latest.seq if latest else None,
              "anchored_at": latest.created_at if latest else None}
    if broken is None:
        return {"ok": True, "first_broken_seq": None, "reason": None, **report}
    return {"ok": False, "first_broken_seq": broken.seq, "reason": broken.reason, **report}


def anchor_keys(settings: Settings) -> anchor.AnchorKeys:
    return anchor.AnchorKeys.load(hmac_key=settings.audit_anchor_key,
                                  ed25519_private_pem=settings.audit_anchor_ed25519_key,
                                  ed25519_public_pem=settings.audit_anchor_ed25519_public_key)


def payload_of(record: audit.AuditRecord) -> Any:
    return json.loads(record.payload)
