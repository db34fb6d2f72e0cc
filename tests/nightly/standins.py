"""Small, deterministic stand-ins for the evaluation and placement services (tests only).

They let the orchestration be tested fast and with controllable timing: environment
variables slow them down (so a test can kill the job at a chosen stage) or crash a worker
once. They decide nothing the real services decide; they only have the same signatures.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assign import repository
from assign.db import make_engine, session_scope
from assign.network import CourtNetwork
from assign.schemas import Case, Mode, Outcome, Recommendation, RulebookVersion, SolverInfo, Verdict
from solver.instance import AssignmentPlan, PlanStatus, SolveParams

RULEBOOK = RulebookVersion(id="standin@1", hash="standin-rulebook")


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def verdict_for(case: Case, network: CourtNetwork, as_of: date) -> Verdict:
    parent = network.parent(case.court_code)
    eligible = parent is not None and _h(case.case_no) % 3 != 0
    return Verdict(case_no=case.case_no, as_of=as_of, outcome=Outcome.ELIGIBLE if eligible else Outcome.NOT_YET,
                   forum=parent.code if parent else None,
                   permitted_modes=[Mode.ORDER, Mode.DESIGNATE] if eligible else [],
                   recommended_mode=Mode.DESIGNATE if eligible else None, rulebook_version=RULEBOOK)


def evaluate(url: str, as_of: date, network: CourtNetwork, progress: Callable[[int, int], None] | None) -> int:
    delay = float(os.environ.get("NIGHTLY_STANDIN_EVAL_DELAY", "0"))
    engine = make_engine(url)
    done = 0
    with session_scope(engine) as session:
        for batch in repository.iter_open_cases(session=session, batch_size=40):
            repository.save_verdicts(session=session, verdicts=[verdict_for(c, network, as_of) for c in batch])
            session.commit()
            done += len(batch)
            if progress:
                progress(done, done)
            time.sleep(delay)
    engine.dispose()
    return done


def place(cases: Sequence[Case], verdicts: Sequence[Verdict], network: CourtNetwork, *,
          previous_plan: AssignmentPlan | None = None, pinned: Mapping[str, str] | None = None,
          conflicts: Any = None, params: SolveParams | None = None) -> tuple[AssignmentPlan, list[Recommendation]]:
    crash_marker = os.environ.get("NIGHTLY_STANDIN_CRASH_ONCE")
    if crash_marker and not Path(crash_marker).exists():
        Path(crash_marker).write_text("crashed")
        os._exit(17)  # a worker dying mid-task
    time.sleep(float(os.environ.get("NIGHTLY_STANDIN_SOLVE_DELAY", "0")))
    forum = verdicts[0].forum or ""
    previous = previous_plan.assignments if previous_plan else {}
    assignments: dict[str, str] = {}
    for case in cases:
        level = network.get(case.court_code).level
        candidates = [c.code for c in network.subtree(forum) if c.level == level and c.code != case.court_code]
        if (pinned or {}).get(case.case_no):
            assignments[case.case_no] = pinned[case.case_no]
        elif previous.get(case.case_no) in candidates:
            assignments[case.case_no] = previous[case.case_no]
        elif candidates:
            assignments[case.case_no] = candidates[_h(case.case_no + str(len(cases))) % len(candidates)]
    seed = params.seed if params else 0
    plan = AssignmentPlan(plan_id="standin", status=PlanStatus.FEASIBLE, assignments=assignments,
                          modes={n: Mode.DESIGNATE for n in assignments}, gap=0.01 * (len(cases) % 5), seed=seed,
                          **({"policy": params.policy, "params": params.model_dump(mode="json")} if params else {}))
    info = SolverInfo(status="FEASIBLE", seed=seed)
    recs = [Recommendation(case_nos=[n], mode=Mode.DESIGNATE, target_court=c, forum=forum, plan_id="standin",
                           solver=info) for n, c in sorted(assignments.items())]
    return plan, recs
