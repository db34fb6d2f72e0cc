"""What the nightly job calls to evaluate and to place: the service functions, as data.

The job never evaluates or places by itself; it calls `api.service.evaluation` and
`api.service.placement`. The placer is named by its import path because it runs inside
worker processes (a process pool or Ray), which import it by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from assign.decisions import Action, Decision
from assign.network import CourtNetwork

# evaluate(database_url, as_of, network, progress(done, total)) -> cases evaluated (verdicts saved)
EvaluateStore = Callable[[str, date, CourtNetwork, Callable[[int, int], None] | None], int]
PinnedSource = Callable[[Session], dict[str, str]]


@dataclass(frozen=True)
class NightlyServices:
    rulebook_hash: str
    evaluate_store: EvaluateStore
    placer: str = "api.service.placement:place_cases"
    pinned: PinnedSource = field(default=lambda session: accepted_pins(session=session))
    solve_params: Mapping[str, Any] = field(default_factory=dict)  # solver.SolveParams as plain data
    forum_policies: Mapping[str, str] = field(default_factory=dict)  # forum -> policy, over solve_params' policy


def accepted_pins(*, session: Session) -> dict[str, str]:
    """case_no -> court for every case a dispatcher accepted (or overrode to a court).

    An accepted transfer must not move at night; an override names the court the
    dispatcher chose, which binds the same way. The latest decision on a case wins.
    """
    pins: dict[str, str] = {}
    rows = session.exec(select(Decision).where(col(Decision.action).in_([Action.ACCEPT.value, Action.OVERRIDE.value]))
                        .order_by(col(Decision.id))).all()
    for d in rows:
        court = d.target_court or d.recommended_court
        if court:
            for case_no in json.loads(d.case_nos):
                pins[case_no] = court
    return pins


def default_services(*, rulebook_dir: Path, eval_workers: int, solve_params: Mapping[str, Any],
                     forum_policies: Mapping[str, str] | None = None) -> NightlyServices:
    """The real pipeline: the rulebook on disk, the store-wide evaluation and the placement service."""
    from api.service.evaluation import evaluate_store
    from rules.loader import load_rulebook

    rulebook = load_rulebook(rulebook_dir)

    def evaluate(url: str, as_of: date, network: CourtNetwork,
                 progress: Callable[[int, int], None] | None) -> int:
        return evaluate_store(url, as_of, network=network, rulebook_dir=rulebook_dir, workers=eval_workers,
                              progress=progress).evaluated

    return NightlyServices(rulebook_hash=rulebook.content_hash, evaluate_store=evaluate,
                           solve_params=dict(solve_params), forum_policies=dict(forum_policies or {}))
