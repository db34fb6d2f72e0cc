"""Restoration leads over the store: one pass shared by the CLI (`assign leads`), the API and the nightly.

The pass reads the store in units of whole courts, in court order: one unit in the caller's process,
or with `workers` > 1 ranges of COURTS_PER_UNIT of the network's courts (`assign.leads.court_units`)
classified in that many processes (the nightly: the machine's cores; a unit's join, case parts and
masking are most of the pass). For each unit it reads the debtor-id join
(`assign.leads.matched_pairs`), classifies each pair (`rules.leads.classify_lead`) and makes the
unit's stored values of new and changed leads and its `leads.raised` events (`_classify_range`).
The caller's process takes the
units back in court order and writes them in ONE transaction, so the stored leads, the events and
their order are those of a single process. Memory holds a few units, not the night's leads (and
the ids of the stored active ones, to resolve those not found again). A pass always covers the
whole store (the leads of cases it no longer finds are resolved); `court` only narrows what it returns.
"""

from __future__ import annotations

import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection, Engine

from assign.db import make_engine, session_scope
from assign.errors import ImportReport
from assign.events import EncodedEvent
from assign.fields import require_not_future
from assign.generator.registers import DEFAULT_DEBTOR_SHARE, generate_register_records
from assign.leads import (
    CourtUnit,
    Lead,
    active_lead_ids,
    court_units,
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
from assign.processes import process_pool
from assign.registers import import_register_stream
from rules.leads import classify_lead

SHOWN_AT_MOST = 10_000  # leads a pass returns to its caller (all are stored)
COURTS_PER_UNIT = 50  # courts per unit of work in worker processes: ~64 units on the national network (3,200 courts)


@dataclass
class LeadPass:
    as_of: date
    pairs: int = 0
    leads: list[Lead] = field(default_factory=list)  # in the requested jurisdiction, at most `shown` (SHOWN_AT_MOST)
    counts: Counter[str] = field(default_factory=Counter)  # by state, whole store
    new: int = 0
    resolved: int = 0
    events: int = 0


@dataclass(frozen=True)
class _Job:
    """What every unit of one pass classifies against (inherited by its worker processes)."""

    as_of: date
    network: CourtNetwork
    action_days: int
    scope: frozenset[str] | None  # the courts whose leads are returned; None = every court
    save: bool
    pass_id: str


@dataclass
class _Found:
    """What one unit of courts gave: the caller writes `changed` and publishes `events` in unit order."""

    pairs: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    shown: list[Lead] = field(default_factory=list)  # the unit's leads in scope, at most the caller's `want`
    new: int = 0
    seen: list[int] = field(default_factory=list)  # the stored leads it found again
    changed: list[dict[str, Any]] = field(default_factory=list)  # `lead_values` of its new and changed leads
    events: list[EncodedEvent] = field(default_factory=list)  # its new leads' `leads.raised` events, encoded


def run_leads(engine: Engine, as_of: date, *, network: CourtNetwork, action_days: int, save: bool = True,
              court: str | None = None, workers: int = 1, courts_per_unit: int = COURTS_PER_UNIT,
              shown: int = SHOWN_AT_MOST) -> LeadPass:
    """Match every open and 终本 case against the register; store (if `save`) and return the leads.
    `workers` > 1: the units of courts are classified in that many processes (same result). `shown`: how many
    leads to return (0 for a caller that reads only the counts: no lead is then shipped back by a worker)."""
    require_not_future(as_of)
    job = _Job(as_of, network, action_days, frozenset(network.subtree_codes(court)) if court else None, save,
               uuid.uuid4().hex)
    run = LeadPass(as_of=as_of)
    ranges: list[CourtUnit] = court_units(network.codes, courts_per_unit) if workers > 1 else [(None, None)]
    with _found_by_unit(engine, job, ranges, workers, lambda: shown - len(run.leads)) as units, \
            session_scope(engine) as session:
        active_before = active_lead_ids(session) if save else set()
        seen: set[int] = set()  # stored leads found again
        for found in units:
            run.pairs += found.pairs
            run.counts.update(found.counts)
            run.leads += found.shown[: shown - len(run.leads)]
            run.new += found.new
            seen.update(found.seen)
            if found.changed:
                save_lead_values(session, found.changed)
            if found.events:
                run.events += publish_events(session, found.events)
        if save:
            run.resolved = finish_pass(session, active_before=active_before, found=seen, as_of=as_of)
    return run


def _classify_range(conn: Connection, courts: CourtUnit, job: _Job, want: int) -> _Found:
    """Classify every matched pair of the unit `courts`; its values to store and its events (if `job.save`)."""
    found = _Found()
    new: list[Lead] = []
    for page in matched_pairs(conn, courts=courts):
        found.pairs += len(page)
        for case, record, stored in page:
            lead = classify_lead(case, record, as_of=job.as_of, first_seen_on=stored.first_seen_on if stored else None,
                                 action_days=job.action_days, network=job.network)
            if lead is None:
                continue
            found.counts[lead.state.value] += 1
            if (job.scope is None or lead.court_code in job.scope) and len(found.shown) < want:
                found.shown.append(lead)
            if job.save:
                values = lead_values(lead, job.pass_id)
                if stored is not None:
                    found.seen.append(stored.id)
                if not unchanged(stored, values):
                    found.changed.append(values)
            if stored is None:
                found.new += 1
                if job.save:
                    new.append(lead)
    # per court in court order (the unit holds whole courts), EVENT_CHUNK each; encoded here, in the worker
    found.events = [EncodedEvent.of(e) for e in lead_events(new)]
    return found


@contextmanager
def _found_by_unit(engine: Engine, job: _Job, ranges: list[CourtUnit], workers: int,
                   want: Callable[[], int]) -> Iterator[Iterator[_Found]]:
    """The units' `_Found` in court order: classified here, or by `workers` processes a few units ahead of the
    caller (each asked for at most `want()` leads to show, taken when it is sent: never fewer than it must give)."""
    if workers <= 1 or len(ranges) <= 1:
        with engine.connect() as conn:
            yield (_classify_range(conn, r, job, want()) for r in ranges)
        return
    url = engine.url.render_as_string(hide_password=False)
    pool = process_pool(workers, initializer=_init_worker, initargs=(url, job))
    try:
        yield _in_order(pool, ranges, workers * 2, want)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(pool: ProcessPoolExecutor, ranges: list[CourtUnit], ahead: int,
              want: Callable[[], int]) -> Iterator[_Found]:
    """Sends the first `ahead` units now, then one more each time the caller takes a unit."""
    sent: deque[Future[_Found]] = deque(pool.submit(_worker_range, r, want()) for r in ranges[:ahead])
    todo = iter(ranges[ahead:])

    def taken() -> Iterator[_Found]:
        while sent:
            found = sent.popleft().result()
            following = next(todo, None)
            if following is not None:  # sent before the caller writes this one: the workers never wait for it
                sent.append(pool.submit(_worker_range, following, want()))
            yield found

    return taken()


_worker: list[tuple[Engine, _Job]] = []  # this worker process's database and pass, once initialised


def _init_worker(url: str, job: _Job) -> None:
    _worker[:] = [(make_engine(url), job)]


def _worker_range(courts: CourtUnit, want: int) -> _Found:
    db, job = _worker[0]
    with db.connect() as conn:
        return _classify_range(conn, courts, job, want)


def import_generated_registers(engine: Engine, *, rows: int, seed: int, as_of: date,
                               share: float = DEFAULT_DEBTOR_SHARE) -> ImportReport:
    """A synthetic register feed (docs/workload.md "Register feeds") whose debtor rows belong to the store's open
    and 终本 cases, imported like a real one (`assign demo` on a fresh store; the next lead pass matches it)."""
    records = generate_register_records(debtor_ids(engine), rows, debtor_share=share, seed=seed, as_of=as_of,
                                        rulings=zhongben_rulings(engine))
    return import_register_stream(engine, enumerate(records, start=1))
