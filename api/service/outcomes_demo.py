"""The demo store's history of transfers (`assign demo`), so the outcomes dashboard has figures on `make demo`.

A share of the night's designations (指定执行) is recorded as accepted by a dispatcher on a past day (at least six
months after the latest filing of the group, the earliest an Art. 237 transfer is possible, and within the year
before `as_of`), with the reason 演示数据 so nobody takes it for a real decision; then progress events are generated
(`assign.generator.progress`) for the transferred cases and for the receiving courts' own cases. Done once: a
store that already holds a binding decision is left as it is. docs/workload.md "Progress of cases".
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel
from sqlalchemy.engine import Engine

from assign import plans, repository
from assign.db import session_scope
from assign.decisions import Action, binding_decisions, record_decision
from assign.generator.progress import generate_progress
from assign.outcomes import Source, record_progress

REASON = "演示数据：历史移送决定（生成，非真实决定）"
SIX_MONTHS = 183


class TransferHistory(BaseModel):
    transfers: int = 0
    cases: int = 0
    events: int = 0


def record_transfer_history(engine: Engine, *, run_id: str, as_of: date, seed: int,
                            share: float = 0.3) -> TransferHistory:
    rng = random.Random(seed)
    summary = TransferHistory()
    with session_scope(engine) as session:
        if binding_decisions(session=session):
            return summary
        recs = plans.run_placements(session=session, run_id=run_id)
        transfers: dict[str, date] = {}
        for rec in recs:
            # designations only: a pinned 提级 (the forum itself) breaks the next night's solve today (the
            # instance lacks the forum among a pool's courts: "class k0 names unknown courts"); reported, not here
            if rec.mode == "escalate" or rng.random() >= share:
                continue
            cases = repository.get_cases(session=session, case_nos=json.loads(rec.case_nos))
            earliest = max(c.filed_on for c in cases) + timedelta(days=SIX_MONTHS)
            day = max(earliest, as_of - timedelta(days=rng.randint(0, 360)))
            if day > as_of:
                continue
            decision = record_decision(session=session, recommendation=rec, action=Action.ACCEPT,
                                       target_court=rec.target_court, reason=REASON, justification=None,
                                       violations=[], key_id=None)
            decision.created_at = datetime.combine(day, time(9), tzinfo=UTC)
            session.add(decision)
            transfers.update({c.case_no: day for c in cases})
            summary.transfers += 1
        receiving = sorted({r.target_court for r in recs if r.target_court})
        transferred = repository.get_cases(session=session, case_nos=sorted(transfers))
        own = [c for batch in repository.iter_cases(session=session, status=None, court_codes=receiving)
               for c in batch if c.case_no not in transfers]
        events = generate_progress([*transferred, *own], transfers, seed=seed, as_of=as_of)
        record_progress(session=session, progress=events, source=Source.GENERATED)
        summary.cases, summary.events = len(transfers), len(events)
    return summary
