"""`assign frontier --forum CODE`: the forum's efficient plans, most balanced to least travel (Rich table)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from api.cli.common import cli_errors, err, out, parse_as_of, write_json_stdout
from api.cli.options import AsOf, JsonOut
from api.config import get_settings
from api.service import store
from api.service.frontier import frontier_for
from solver.frontier_types import Frontier, FrontierPoint


def frontier_table(frontier: Frontier) -> Table:
    table = Table(title=f"frontier of {frontier.forum}" + (f" (plan {frontier.plan_id})" if frontier.plan_id else ""),
                  show_header=True)
    for name in ("pool", "point", "worst/officer", "spread", "km", "to debtor", "to assets", "mean km", "moves",
                 "km bound", "status", "s"):
        table.add_column(name, justify="left" if name in ("pool", "point", "status") else "right")
    rows: list[FrontierPoint] = sorted([*frontier.points, *frontier.plan],
                                       key=lambda p: (p.pool, p.worst_per_officer, p.kind.value))
    for p in rows:
        bound = "-" if p.km_bound is None else f"{p.km_bound:,.0f}"
        label = f"[bold]{p.label}[/bold]" if p.kind.value == "plan" else p.label
        table.add_row(p.pool, label, f"{p.worst_per_officer:.3f}", f"{p.spread:.2f}", f"{p.km_total:,}",
                      f"{p.km_debtor:,}", f"{p.km_assets:,}", f"{p.km_mean:.1f}", str(p.moves), bound,
                      p.status or p.kind.value, f"{p.time_s:.2f}")
    return table


def register(app: typer.Typer) -> None:
    @app.command("frontier")
    def frontier(
        forum: str = typer.Option(..., "--forum", help="the forum's court code (e.g. I510100)"),
        as_of: AsOf = None,
        plan: str = typer.Option(None, "--plan", help="plan to mark (default: the forum's latest)"),
        points: int = typer.Option(5, "--points", help="points per pool (2-9)"),
        time_limit: float = typer.Option(10.0, "--time-limit", help="solver seconds for all the forum's pools"),
        as_json: JsonOut = False,
    ) -> None:
        """The efficient plans of the forum's pools, with the plan marked; defects if it is dominated."""
        with cli_errors():
            settings = get_settings()
            engine = store.open_store(settings.database_url)
            network = store.current_network(engine)
            day = parse_as_of(as_of)
            result = frontier_for(engine, network, settings, forum=forum, as_of=day, plan_id=plan, points=points,
                                  time_limit_s=time_limit)
            if as_json:
                write_json_stdout(result.model_dump_json(indent=2))
                return
            # twelve columns: never squashed below 150 characters (a pipe or a narrow terminal)
            Console(width=max(out.width, 150)).print(frontier_table(result))
            for defect in result.defects:
                err.print(f"[red]defect[/red] {defect}", highlight=False)
            if not result.points:
                err.print(f"no case of {forum} needs a court on {day}", highlight=False)
