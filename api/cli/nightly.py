"""`assign nightly` (one night's rebalancing run) and `assign scheduler` (runs it on a cron).

Both call `api.nightly.run_nightly`; the scheduler is its own process, never an API worker.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.common import cli_errors, err, out, parse_as_of
from api.config import Settings, get_settings
from api.nightly import NightlyOptions, NightlyReport, default_services, run_nightly
from api.service import store
from assign.errors import Conflict, DataError
from solver.instance import SolveParams
from solver.policy import Policy

EXIT_LOCKED = 3  # another nightly run holds the lock
log = logging.getLogger("assign.nightly")


def _options(settings: Settings, executor: str, address: str | None, workers: int, time_limit: float,
             solve_budget: float | None, stale_after: float, night_budget: float | None = None) -> NightlyOptions:
    if executor not in ("local", "ray"):
        raise DataError(f"--executor must be local or ray, not {executor!r}")
    # a task's wall-clock guard: its solver limit, explanation building, a worker's start-up
    return NightlyOptions(executor=executor, address=address, workers=workers, forum_time_limit_s=time_limit,
                          budget_s=night_budget or settings.nightly_budget_s,
                          solve_floor_s=settings.nightly_solve_floor_s,
                          solve_budget_s=solve_budget, task_time_limit_s=3 * time_limit + 120,
                          stale_after_s=stale_after)


def night(settings: Settings, day: date, options: NightlyOptions, *, show_progress: bool = True,
          policy: Policy | None = None) -> NightlyReport:
    """One night on the configured database: the function both commands run. `policy` (the
    command line's) applies to every forum; without it, each forum's configured policy."""
    engine = store.open_store(settings.database_url)
    services = default_services(rulebook_dir=settings.rulebook_dir, eval_workers=options.workers,
                                solve_params=SolveParams(seed=settings.solver_seed, workers=1,
                                                         policy=policy or settings.solver_policy),
                                forum_policies={} if policy else {f: p.value for f, p in
                                                                 settings.forum_policies.items()},
                                outcome_term_forums=settings.outcome_term_forums,
                                outcome_term_min_cases=settings.outcome_term_min_cases)
    if not show_progress:
        return run_nightly(engine, as_of=day, services=services, options=options)
    with Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        return run_nightly(engine, as_of=day, services=services, options=options, progress=progress)


def print_report(report: NightlyReport) -> None:
    s = report.summary
    times = Table(title=f"nightly {report.as_of} ({report.status})", show_header=True)
    times.add_column("stage")
    times.add_column("seconds", justify="right")
    for stage, label in (("evaluate", "evaluate (and alerts)"), ("alerts", "alerts"), ("leads", "leads"),
                         ("select", "select"), ("solve", "solve (all forums)"), ("validate", "  of which validate"),
                         ("store", "  of which store"), ("publish", "publish")):
        value = report.stage_times_s.get(stage)
        times.add_row(label, "-" if value is None else f"{value:.1f}")
    total = sum(report.stage_times_s.get(k, 0.0) for k in ("evaluate", "alerts", "leads", "select", "solve",
                                                             "publish"))
    times.add_row("total", f"{total:.1f}")
    out.print(times)
    outcomes = ", ".join(f"{k} {v}" for k, v in s.outcomes.items())
    gap = s.worst_gap
    skipped = f", not evaluated {s.not_evaluated} (reasons: cases.not_evaluated)" if s.not_evaluated else ""
    out.print(f"run {report.run_id}\n"
              f"cases evaluated {s.cases_evaluated} ({outcomes}){skipped}\n"
              f"needing a court {s.needing_court}, placed {s.placed}, "
              f"unplaced {s.unplaced}, pinned by decisions {s.pinned}\n"
              f"forums {s.forums} (resumed {report.resumed_forums}), "
              f"moves against the previous plan {s.moves_against_previous}, "
              f"worst gap {'-' if gap is None else f'{gap:.2%}'}", highlight=False)
    if s.budget is not None:
        b = s.budget
        over = " (over: the solve got its floor)" if b.over_budget else ""
        out.print(f"budget {b.night_budget_s:.0f} s: {b.before_solve_s:.1f} s before the solve, "
                  f"solve budget {b.solve_budget_s:.1f} s{over}", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("nightly")
    def nightly(
        as_of: str = typer.Option(None, "--as-of", help="the night's evaluation date YYYY-MM-DD (default: today)"),
        executor: str = typer.Option("local", "--executor", help="local (process pool) or ray"),
        address: str = typer.Option(None, "--address", help="Ray cluster address (default: start a local one)"),
        workers: int = typer.Option(2, "--workers", min=1, help="worker processes (local) / CPUs (local Ray)"),
        time_limit: float = typer.Option(None, "--time-limit", help="cap on one forum's solver time, seconds"),
        budget: float = typer.Option(None, "--budget", help="the night's wall time, seconds (default: "
                                     "settings.nightly_budget_s); the solve gets what the other stages leave"),
        solve_budget: float = typer.Option(None, "--solve-budget", help="fixed wall time for all forums, shared by "
                                           "size, instead of what the night's budget leaves"),
        stale_after: float = typer.Option(300.0, "--stale-after", help="take over a lock silent this long (s)"),
        policy: Policy = typer.Option(None, "--policy", help="placement policy for every forum (balanced, "
                                      "default, near); default: each forum's configured one"),
    ) -> None:
        """Re-evaluate every open case, re-plan every forum, publish the night atomically."""
        with cli_errors():
            settings = get_settings()
            day = parse_as_of(as_of)
            options = _options(settings, executor, address, workers, time_limit or settings.solver_time_limit_s,
                               solve_budget, stale_after, budget)
            try:
                report = night(settings, day, options, policy=policy)
            except Conflict as e:
                err.print(f"[yellow]not started:[/yellow] {e}", highlight=False)
                raise typer.Exit(EXIT_LOCKED) from None
            print_report(report)

    @app.command("scheduler")
    def scheduler(
        cron: str = typer.Option(None, "--cron", help="crontab expression (default: settings.nightly_cron)"),
        executor: str = typer.Option("local", "--executor"),
        address: str = typer.Option(None, "--address"),
        workers: int = typer.Option(2, "--workers", min=1),
    ) -> None:
        """Run the nightly job on a cron schedule, in this process (never inside the API workers)."""
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.cron import CronTrigger

        with cli_errors():
            settings = get_settings()
            options = _options(settings, executor, address, workers, settings.solver_time_limit_s, None, 300.0)
            expression = cron or settings.nightly_cron
            try:
                trigger = CronTrigger.from_crontab(expression)
            except ValueError as e:
                raise DataError(f"cron expression {expression!r}: {e}") from None

            def job() -> None:
                try:
                    print_report(night(settings, date.today(), options, show_progress=False))
                except Conflict as e:
                    log.warning("nightly run skipped: %s", e)
                except Exception:  # the scheduler must outlive one bad night; the run row keeps the error
                    log.exception("nightly run failed")

            sched = BlockingScheduler()
            # one night at a time; fire times missed while busy or suspended collapse into one run
            sched.add_job(job, trigger, id="nightly", max_instances=1, coalesce=True, misfire_grace_time=6 * 3600)
            out.print(f"scheduler: nightly run at '{expression}' "
                      f"(next {trigger.get_next_fire_time(None, datetime.now(UTC).astimezone())})")
            try:
                sched.start()
            except (KeyboardInterrupt, SystemExit):
                pass
