"""Restoration leads over the store: one pass shared by the CLI (`assign leads`), the API and the nightly.

The pass reads the debtor-id join (`assign.leads.matched_pairs`) on one connection (a
snapshot: SQLite WAL, PostgreSQL a server-side cursor), classifies each pair
(`rules.leads.classify_lead`) and writes the new and changed leads page by page in one
transaction on another, so memory holds one page, not the night's leads (and the ids of the
stored active ones, to resolve those not found again). A pass always covers the whole store (the
leads of cases it no longer finds are resolved); `court` only narrows what it returns.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from assign.db import session_scope
from assign.errors import ImportReport
from assign.events import NewEvent
from assign.fields import require_not_future
from assign.generator.registers import DEFAULT_DEBTOR_SHARE, generate_register_records
from assign.leads import (
    EVENT_CHUNK,
    Lead,
    active_lead_ids,
    debtor_ids,
    finish_pass,
    lead_events,
    lead_values,
    matched_pairs,
    publish_events,
    save_lead_values,
    unchanged,
    zhongben_rulings,
)
from assign.network import CourtNetwork
from assign.registers import import_register_stream
from rules.leads import classify_lead

SHOWN_AT_MOST = 10_000  # leads a pass returns to its caller (all are stored)


@dataclass
class LeadPass:
    as_of: date
    pairs: int = 0
    leads: list[Lead] = field(default_factory=list)  # in the requested jurisdiction, at most SHOWN_AT_MOST
    counts: Counter[str] = field(default_factory=Counter)  # by state, whole store
    new: int = 0
    resolved: int = 0
    events: int = 0


def run_leads(engine: Engine, as_of: date, *, network: CourtNetwork, action_days: int, save: bool = True,
              court: str | None = None) -> LeadPass:
    """Match every open and 终本 case against the register; store (if `save`) and return the leads."""
    require_not_future(as_of)
    scope = set(network.subtree_codes(court)) if court else None
    run = LeadPass(as_of=as_of)
    pass_id = uuid.uuid4().hex
    with engine.connect() as reader, session_scope(engine) as session:
        active_before = active_lead_ids(session) if save else set()
        seen: set[int] = set()  # stored leads found again
        pending: list[Lead] = []  # new leads of the current court, published together (the join is by court)
        ready: list[NewEvent] = []  # their events, published a page at a time (one batch of ids and rows)
        for page in matched_pairs(reader):
            run.pairs += len(page)
            changed: list[dict[str, Any]] = []
            for case, record, stored in page:
                lead = classify_lead(case, record, as_of=as_of, first_seen_on=stored.first_seen_on if stored else None,
                                     action_days=action_days, network=network)
                if lead is None:
                    continue
                run.counts[lead.state.value] += 1
                if (scope is None or lead.court_code in scope) and len(run.leads) < SHOWN_AT_MOST:
                    run.leads.append(lead)
                if save:
                    values = lead_values(lead, pass_id)
                    if stored is not None:
                        seen.add(stored.id)
                    if not unchanged(stored, values):
                        changed.append(values)
                if stored is not None:
                    continue
                run.new += 1
                if pending and (pending[0].court_code != lead.court_code or len(pending) == EVENT_CHUNK):
                    ready += lead_events(pending) if save else []
                    pending = []
                pending.append(lead)
            if changed:
                save_lead_values(session, changed)
            if ready:
                run.events += publish_events(session, ready)
                ready = []
        if save:
            run.events += publish_events(session, lead_events(pending))
            run.resolved = finish_pass(session, active_before=active_before, found=seen, as_of=as_of)
    return run


def import_generated_registers(engine: Engine, *, rows: int, seed: int, as_of: date,
                               share: float = DEFAULT_DEBTOR_SHARE) -> ImportReport:
    """A synthetic register feed (docs/workload.md "Register feeds") whose debtor rows belong to the store's open
    and 终本 cases, imported like a real one (`assign demo` on a fresh store; the next lead pass matches it)."""
    records = generate_register_records(debtor_ids(engine), rows, debtor_share=share, seed=seed, as_of=as_of,
                                        rulings=zhongben_rulings(engine))
    return import_register_stream(engine, enumerate(records, start=1))
