"""`assign bench solver`: CP-SAT against greedy on a generated province batch (solver.benchmark)."""

from __future__ import annotations

import json

import typer

from api.cli.common import cli_errors, write_json_stdout
from solver.benchmark import run

bench_app = typer.Typer(help="Benchmarks (figures depend on the machine's load: say so when quoting them).",
                        no_args_is_help=True)


@bench_app.command("solver")
def solver_bench(
    cases: int = typer.Option(2000, "--cases", min=1, help="cases to place"),
    province: str = typer.Option("51", "--province", help="province: '51', '510000' or 'H510000'"),
    seed: int = typer.Option(1, "--seed"),
    time_limit: float = typer.Option(30.0, "--time-limit", help="solver seconds for the whole batch"),
    workers: int = typer.Option(0, "--workers", help="CP-SAT workers per subproblem (0: the machine's cores)"),
    processes: int = typer.Option(1, "--processes", help="subproblems solved in parallel processes"),
    lp: bool = typer.Option(True, "--lp/--no-lp", help="also compute the LP-relaxation bound"),
    frontier: bool = typer.Option(False, "--frontier", help="also every pool's frontier, beside default and greedy"),
    points: int = typer.Option(5, "--points", min=2, max=9, help="frontier points per pool"),
    frontier_time: float = typer.Option(60.0, "--frontier-time", help="seconds for the whole frontier"),
) -> None:
    """Print objective, bound, gap, time, worst utilisation and distance, beside greedy on the same instance."""
    with cli_errors():
        row = run(cases, province, seed, time_limit, workers, processes, with_lp=lp, frontier=frontier, points=points,
                  frontier_time_s=frontier_time)
        write_json_stdout(json.dumps(row, ensure_ascii=False, indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
