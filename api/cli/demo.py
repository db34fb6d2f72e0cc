"""`assign demo`: the main job on the embedded default, from nothing to a published plan.

SQLite at DATABASE_URL (default var/assign.sqlite), the bundled national network, and a
generated sample (once: a store that already holds cases is used as it is). Then the
nightly run evaluates every open case, places the transferable ones and publishes the
night's plans; the command ends with a few of the placements it made.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from api.cli.common import cli_errors, err, out, parse_as_of
from api.cli.nightly import _options, night, print_report
from api.cli.options import AsOf
from api.config import get_settings
from api.service import store
from api.service.leads import import_generated_registers
from api.service.outcomes_demo import record_transfer_history
from assign import plans, repository
from assign.db import session_scope
from assign.generator import generate_cases
from assign.importer import import_cases


def _sample_placements(engine: Engine, run_id: str, limit: int) -> Table:
    network = store.current_network(engine)
    table = Table(title="some placements of tonight's plan")
    for name in ("case", "mode", "from", "forum", "to"):
        table.add_column(name, no_wrap=True)
    with session_scope(engine) as session:
        for r in plans.run_placements(session=session, run_id=run_id, limit=limit):
            case_nos = json.loads(r.case_nos)
            origin = repository.get_case(session=session, case_no=case_nos[0]).court_code
            table.add_row(
                case_nos[0] + (f" (+{len(case_nos) - 1})" if len(case_nos) > 1 else ""), r.mode or "-",
                origin, r.forum or "-",
                f"{r.target_court} {network.get(r.target_court).name}" if r.target_court else "-",
            )
    return table


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        cases: int = typer.Option(20000, "--cases", min=1, help="sample size when the store is empty"),
        seed: int = typer.Option(7, "--seed"),
        as_of: AsOf = None,
        budget: float = typer.Option(60.0, "--solve-budget", help="solver wall time for all forums, seconds"),
    ) -> None:
        """Generate a sample if the store is empty, then run the nightly job and show the result."""
        with cli_errors():
            settings = get_settings()
            day = parse_as_of(as_of)
            engine = store.open_store(settings.database_url)
            out.print(f"store: {engine.url.render_as_string(hide_password=True)}")
            network = store.current_network(engine)
            out.print(f"court network: {len(network)} courts (hash {network.content_hash})")
            with session_scope(engine) as session:
                stored = repository.count_cases(session=session)
            generated = stored == 0
            if generated:
                err.print(f"generating and importing {cases} sample cases (seed {seed}, as of {day}) ...")
                report = import_cases(engine, generate_cases(network, cases, seed=seed, as_of=day), as_of=day,
                                      network=network, record_keys=False)
                out.print(f"imported: {report.counts['stored']} cases, {report.rejected_rows} rejected")
                # asset registers for the night's lead pass (恢复执行线索): one register row per case
                feed = import_generated_registers(engine, rows=cases, seed=seed, as_of=day)
                out.print(f"register feed (demo data): {feed.counts['stored']} rows — assign leads, /console/leads")
            else:
                out.print(f"the store already holds {stored} cases: using them")
            options = _options(settings, "local", None, 2, settings.solver_time_limit_s, budget, 300.0)
            result = night(settings, day, options)
            print_report(result)
            if generated:  # a past of transfers and their progress, so the outcomes dashboard has figures
                history = record_transfer_history(engine, run_id=result.run_id, as_of=day, seed=seed)
                out.print(f"transfer history (demo data): {history.transfers} decisions, {history.cases} cases, "
                          f"{history.events} progress events — assign outcomes report, /console/outcomes")
            # a pipe gets 80 columns by default: too narrow for court names
            wide = Console(width=max(out.width, 120), soft_wrap=True)
            wide.print(_sample_placements(engine, result.run_id, 10))
