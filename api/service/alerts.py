"""Node alerts over the store: one pass shared by the CLI (`assign alerts`), the API and the nightly
job, so all three compute, store and publish alike.

The pass reads the open and the 终本 cases (optionally one court's jurisdiction), runs the
`alerts` ruleset on the one engine, and, when asked to save, upserts the alerts, resolves
those of the covered cases that no longer fire and publishes the new ones as events.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import Engine

from assign import repository
from assign.alert_saves import save_alerts
from assign.alerts import Alert
from assign.db import make_engine, session_scope
from assign.heap import collector_paused
from assign.network import CourtNetwork
from assign.processes import process_pool
from assign.schemas import CaseStatus
from assign.stored_case import read_stored
from rules.alert_facts import NODES
from rules.alerts import RULESET_ID, evaluate_alerts
from rules.engine import RuleEngine
from rules.loader import load_rulebook, rulebook_file
from rules.spec import Rulebook

MAX_REPORTED_PROBLEMS = 200
# the nodes a reader may filter on (`GET /v1/alerts?node=`, `assign alerts --node`): an unknown one is
# refused with the list of known ones (422 / exit 2) instead of silently matching nothing
AlertNode = StrEnum("AlertNode", {node: node for node in NODES})  # type: ignore[misc]  # members come from NODES
_lock = threading.Lock()
_engines: dict[str, tuple[tuple[int, int], RuleEngine]] = {}  # alerts file -> (mtime, size), engine


def alerts_engine(rulebook_dir: str | Path) -> RuleEngine:
    """The process's engine for the alerts ruleset of `rulebook_dir` (the configured rulebook
    directory, `Settings.rulebook_dir`: no fallback), rebuilt when its file changes."""
    file = rulebook_file(rulebook_dir, RULESET_ID).resolve()
    st = file.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    with _lock:
        cached = _engines.get(str(file))
        if cached and cached[0] == stamp and not cached[1].retired:
            return cached[1]
        engine = RuleEngine(load_rulebook(file, RULESET_ID))
        _engines[str(file)] = (stamp, engine)
    if cached:
        cached[1].retire()
    return engine


@dataclass
class AlertPass:
    as_of: date
    cases: int = 0  # cases read (open and 终本)
    alerts: list[Alert] = field(default_factory=list)
    saved: dict[str, int] = field(default_factory=dict)  # new, updated, resolved, events (when saved)
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    ruleset: str = ""

    def counts(self) -> dict[str, dict[str, int]]:
        return {"node": dict(Counter(a.node for a in self.alerts)),
                "severity": dict(Counter(a.severity.value for a in self.alerts)),
                "court": dict(Counter(a.court_code for a in self.alerts))}


def _ranges(db: Engine, court_codes: list[str] | None, size: int) -> Iterator[tuple[CaseStatus, str, str]]:
    """(status, first, last) case numbers of the open and 终本 cases, `size` at a time (the store's keyset scan)."""
    for status in (CaseStatus.OPEN, CaseStatus.ZHONGBEN):
        with session_scope(db) as session:
            ranges = list(repository.case_no_ranges(session=session, size=size, status=status, court_codes=court_codes))
        for first, last, _ in ranges:
            yield status, first, last


_worker: list[tuple[Engine, RuleEngine]] = []  # this worker process's database and rule engine, once initialised


def _init_worker(url: str, rulebook: Rulebook) -> None:
    _worker[:] = [(make_engine(url), RuleEngine(rulebook))]  # the rulebook version the main process checked


def _range_alerts(status: CaseStatus, lo: str, hi: str, court_codes: list[str] | None, as_of: date,
                  db: Engine | None = None, engine: RuleEngine | None = None) -> tuple[int, list[Alert], list[str]]:
    """(cases read, their alerts, problems) for one range; a stored case that cannot be read is reported."""
    if db is None or engine is None:  # in a worker process: its own
        worker_db, worker_engine = _worker[0]
        db = worker_db if db is None else db
        engine = worker_engine if engine is None else engine
    with collector_paused():  # the range's cases stay alive to its end (assign.heap.collector_paused)
        with session_scope(db) as session:
            rows = repository.case_records_between(session=session, first=lo, last=hi, status=status,
                                                   court_codes=court_codes)
        unreadable: dict[str, str] = {}
        cases = [case for record in rows if (case := read_stored(record, unreadable)) is not None]
        problems = [f"case {no}: {why}" for no, why in unreadable.items()]
        return len(cases), evaluate_alerts(cases, as_of, engine), problems


def store_alerts(db: Engine, as_of: date, *, network: CourtNetwork, rulebook_dir: str | Path,
                 court: str | None = None, save: bool = False, workers: int = 1,
                 range_size: int = 10_000) -> AlertPass:
    """The alerts of every open and 终本 case in the store (or in `court`'s jurisdiction) on `as_of`;
    with `save`, stored and the new ones published. `workers` > 1: ranges evaluated in processes."""
    codes = network.subtree_codes(court) if court else None
    ranges = list(_ranges(db, codes, range_size))
    if workers > 1 and len(ranges) > 1:
        rulebook = load_rulebook(rulebook_file(rulebook_dir, RULESET_ID), RULESET_ID)
        run = AlertPass(as_of, ruleset=rulebook.versioned_name)
        url = db.url.render_as_string(hide_password=False)
        with process_pool(workers, initializer=_init_worker, initargs=(url, rulebook)) as pool:
            futures = [pool.submit(_range_alerts, *r, codes, as_of) for r in ranges]
            results = [f.result() for f in futures]  # range order: alerts come out in case order per status
    else:
        engine = alerts_engine(rulebook_dir)
        run = AlertPass(as_of, ruleset=engine.name)
        results = [_range_alerts(*r, codes, as_of, db=db, engine=engine) for r in ranges]
    for n, found, problems in results:
        run.cases += n
        run.alerts += found
        run.rejected += len(problems)
        run.problems += problems[: max(0, MAX_REPORTED_PROBLEMS - len(run.problems))]
    if save:
        with session_scope(db) as session:
            run.saved = save_alerts(session=session, as_of=as_of, alerts=run.alerts, court_codes=codes)
    return run
