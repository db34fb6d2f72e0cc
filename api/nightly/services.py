"""What the nightly job calls to evaluate and to place: the service functions, as data.

The job never evaluates or places by itself; it calls `api.service.evaluation` and
`api.service.placement`. The placer is the function itself: it runs inside worker processes
(a process pool or Ray), and a top-level function pickles by reference (see
`api.nightly.worker`); a batch job plans with the same function (`api.service.forum_plan`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session

from api.config import BUILTIN_RULEBOOK_DIR
from api.service.forum_plan import Placer
from api.service.placement import place_cases
from assign.decisions import pinned_courts
from assign.network import CourtNetwork
from solver.instance import SolveParams

# evaluate(database_url, as_of, network, progress(done, total)) -> cases evaluated (verdicts saved)
EvaluateStore = Callable[[str, date, CourtNetwork, Callable[[int, int], None] | None], int]
PinnedSource = Callable[[Session], dict[str, str]]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NightlyServices:
    rulebook_hash: str
    evaluate_store: EvaluateStore
    placer: Placer = place_cases
    rulebook_dir: Path = BUILTIN_RULEBOOK_DIR  # the node alerts' ruleset (default_services: the configured one)
    # True: `evaluate_store` stores the night's node alerts too (one read of the store for both, as
    # `default_services` builds it); False: the pipeline runs its own alerts stage after evaluating
    alerts_in_store_pass: bool = False
    pinned: PinnedSource = field(default=lambda session: pinned_courts(session=session))
    solve_params: SolveParams = field(default_factory=SolveParams)  # every forum's, before its own policy and limit
    forum_policies: Mapping[str, str] = field(default_factory=dict)  # forum -> policy, over solve_params' policy
    # forums whose plans use soft.receiving_outcome ("*": all; api/service/outcome_term.py) and its minimum sample
    outcome_term_forums: frozenset[str] = frozenset()
    outcome_term_min_cases: int = 5


def default_services(*, rulebook_dir: Path, eval_workers: int, solve_params: SolveParams,
                     forum_policies: Mapping[str, str] | None = None, outcome_term_forums: Iterable[str] = (),
                     outcome_term_min_cases: int = 5) -> NightlyServices:
    """The real pipeline: the rulebook on disk, the store-wide evaluation and the placement service.

    The rulebook is loaded here, once: the run id is made from its hash and the store-wide
    pass evaluates with this very object, so the two cannot disagree even if the file
    changes during the night. The alerts ruleset of the same directory is loaded here too:
    the store-wide pass fires it on every open and 终本 case it reads (one read and one parse
    per case for verdicts and alerts) and stores the night's alerts."""
    from api.service.evaluation import evaluate_store
    from rules.alerts import RULESET_ID
    from rules.loader import load_rulebook, rulebook_file

    rulebook = load_rulebook(rulebook_dir)
    alerts = load_rulebook(rulebook_file(rulebook_dir, RULESET_ID), RULESET_ID)

    def evaluate(url: str, as_of: date, network: CourtNetwork,
                 progress: Callable[[int, int], None] | None) -> int:
        run = evaluate_store(url, as_of, network=network, rulebook=rulebook, workers=eval_workers,
                             progress=progress, alerts=alerts)
        log.info("store pass on %s: %d verdicts, %d alerts (%s), %.1f s of worker time on alerts", as_of,
                 run.evaluated, run.alerts, run.alerts_saved, run.alerts_s)
        return run.evaluated

    return NightlyServices(rulebook_hash=rulebook.content_hash, evaluate_store=evaluate, rulebook_dir=rulebook_dir,
                           alerts_in_store_pass=True, solve_params=solve_params,
                           forum_policies=dict(forum_policies or {}),
                           outcome_term_forums=frozenset(outcome_term_forums),
                           outcome_term_min_cases=outcome_term_min_cases)
