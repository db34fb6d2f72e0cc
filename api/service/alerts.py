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
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Engine

from assign.alerts import Alert, save_alerts
from assign.db import session_scope
from assign.models import CaseRow
from assign.network import CourtNetwork
from assign.schemas import Case, CaseStatus
from rules.alerts import RULESET_ID, evaluate_alerts
from rules.engine import RuleEngine
from rules.loader import load_rulebook, rulebook_file

PAGE = 2_500
MAX_REPORTED_PROBLEMS = 200
_lock = threading.Lock()
_engines: dict[str, tuple[tuple[int, int], RuleEngine]] = {}  # alerts file -> (mtime, size), engine


def default_rulebook_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "rules" / "rulebook"


def alerts_engine(rulebook_dir: str | Path | None = None) -> RuleEngine:
    """The process's engine for the alerts ruleset of `rulebook_dir`, rebuilt when its file changes."""
    file = rulebook_file(rulebook_dir or default_rulebook_dir(), RULESET_ID).resolve()
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


def _pages(db: Engine, court_codes: list[str] | None) -> Iterator[list[tuple[str, str]]]:
    """(case_no, data) of the open and 终本 cases, PAGE at a time, keyset order per status."""
    for status in (CaseStatus.OPEN, CaseStatus.ZHONGBEN):
        after = ""
        while True:
            q = (select(CaseRow.case_no, CaseRow.data).where(CaseRow.status == status.value)
                 .where(CaseRow.case_no > after))
            if court_codes is not None:
                q = q.where(CaseRow.court_code.in_(court_codes))  # type: ignore[attr-defined]
            with session_scope(db) as session:
                rows = [(str(n), str(d)) for n, d in session.execute(q.order_by(CaseRow.case_no).limit(PAGE)).all()]
            if not rows:
                break
            yield rows
            after = rows[-1][0]


def store_alerts(db: Engine, as_of: date, *, network: CourtNetwork, court: str | None = None, save: bool = False,
                 rulebook_dir: str | Path | None = None) -> AlertPass:
    """The alerts of every open and 终本 case in the store (or in `court`'s jurisdiction) on `as_of`;
    with `save`, stored and the new ones published. A stored case that cannot be read is reported."""
    engine = alerts_engine(rulebook_dir)
    codes = network.subtree_codes(court) if court else None
    run = AlertPass(as_of, ruleset=engine.name)
    for rows in _pages(db, codes):
        cases: list[Case] = []
        for case_no, data in rows:
            try:
                cases.append(Case.model_validate_json(data))
            except ValidationError as e:
                run.rejected += 1
                if len(run.problems) < MAX_REPORTED_PROBLEMS:
                    run.problems.append(f"case {case_no}: {str(e).splitlines()[0]}")
        run.alerts += evaluate_alerts(cases, as_of, engine)
        run.cases += len(cases)
    if save:
        with session_scope(db) as session:
            run.saved = save_alerts(session=session, as_of=as_of, alerts=run.alerts,
                                    court_codes=codes)
    return run
