"""`assign recommend`: evaluate cases, place those that need a court, print Recommendations (JSON)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psutil
import typer

from api.cli.common import EXIT_INVALID_INPUT, cli_errors, err, parse_as_of, write_json_stdout
from api.cli.options import AsOf, CourtsFile, file_network
from api.config import get_settings
from api.service import evaluation, placement
from assign.errors import DataError
from assign.interchange import read_cases
from solver import SolveParams
from solver.policy import Policy


class _Stages:
    """Wall time per stage since the process started (start-up: imports and settings)."""

    def __init__(self) -> None:
        self.last = psutil.Process().create_time()
        self.parts = [("start-up", time.time() - self.last)]
        self.last = time.time()

    def done(self, name: str) -> None:
        now = time.time()
        self.parts.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        total = sum(s for _, s in self.parts)
        return f"wall {total:.2f} s: " + ", ".join(f"{name} {s:.2f}" for name, s in self.parts)


def register(app: typer.Typer) -> None:
    @app.command("recommend")
    def recommend(
        cases_file: Path = typer.Argument(..., help="CASES.json: a list of cases (interchange format v1)"),
        courts: CourtsFile = None,
        as_of: AsOf = None,
        time_limit: float = typer.Option(None, "--time-limit", help="solver seconds (default: settings)"),
        seed: int = typer.Option(None, "--seed", help="solver seed (default: settings)"),
        deterministic: bool = typer.Option(False, "--deterministic", help="one worker, same seed -> same plan"),
        alternatives: int = typer.Option(5, "--alternatives", min=0, help="alternative courts per recommendation"),
        policy: Policy = typer.Option(None, "--policy", help="placement policy: balanced, default, near "
                                      "(default: settings)"),
        timings: bool = typer.Option(False, "--timings", help="print each stage's wall time, the solver's status "
                                     "and gap to stderr"),
    ) -> None:
        """Print a JSON array of Recommendations: one per debtor group whose verdict needs a court.

        Cases whose verdict needs no court are left out (see `assign evaluate` for their verdicts);
        a group no court can take comes back with target_court null and the constraint that
        excluded the last court in unplaced_reason.
        """
        stages = _Stages()
        with cli_errors():
            if not cases_file.exists():
                raise DataError(f"no such file: {cases_file}")
            day = parse_as_of(as_of)
            settings = get_settings()
            network = file_network(courts)
            stages.done("network")
            parsed = read_cases(cases_file, as_of=day, network=network)
            stages.done("read")
            verdicts = evaluation.evaluate_cases(parsed.cases, network, day,
                                                 engine=evaluation.get_engine(settings.rulebook_dir))
            stages.done("rules")
            params = SolveParams(time_limit_s=time_limit or settings.interactive_time_limit_s,
                                 workers=settings.solver_workers, seed=settings.solver_seed if seed is None else seed,
                                 deterministic=deterministic, policy=policy or settings.solver_policy)
            plan, recs = placement.place_cases(parsed.cases, verdicts, network, params=params,
                                               alternatives=alternatives)
            stages.done("place")
            write_json_stdout(json.dumps([r.model_dump(mode="json") for r in recs], ensure_ascii=False, indent=2))
            stages.done("output")
            if timings:
                gap = "-" if plan.gap is None else f"{plan.gap:.4%}"
                err.print(f"{stages} | solver {plan.status.value} gap {gap} in {plan.time_s} s, "
                          f"{len(plan.assignments)} placed, {len(plan.subproblems)} pools", highlight=False)
            for problem in parsed.problems:
                err.print(f"[red]invalid case[/red] {problem}", highlight=False)
            if parsed.problems:
                raise typer.Exit(EXIT_INVALID_INPUT)
