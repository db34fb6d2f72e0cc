"""`assign network build|stats|show`: the national court network file and what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api.cli.common import EXIT_INVALID_INPUT, err, out, run
from api.console import STATIC_DIR
from assign.caseload import FLOWS_AS_OF, MEAN_DURATION_MONTHS, summarise_flows
from assign.errors import DataError
from assign.netbuild import SOURCE_VERSIONS, NetworkSummary, build_from_packages, summarise
from assign.network import BUILTIN_COURTS_CSV, CourtNetwork, courts_to_csv, load_network
from assign.outlines import outline_json, province_outlines

network_app = typer.Typer(help="The court network: rebuild data/courts.csv, summarise it, look up a court.",
                          no_args_is_help=True)

OUTLINES_DIR = STATIC_DIR / "geo"
CourtsFile = Annotated[Path, typer.Option("--courts", help="Court network file (CSV or JSON).")]
OutFile = Annotated[Path, typer.Option("--out", help="Where to write the CSV.")]
CourtCode = Annotated[str, typer.Argument(help="Court code, e.g. B500237.")]


def _print_summary(summary: NetworkSummary, title: str) -> None:
    table = Table(title=title)
    table.add_column("level")
    table.add_column("courts", justify="right")
    for level, n in summary.by_level.items():
        table.add_row(level, f"{n:,}")
    table.add_row("[bold]all[/bold]", f"[bold]{sum(summary.by_level.values()):,}[/bold]")
    out.print(table)
    out.print(f"enforcement staff {summary.staff:,}, open cases {summary.open_cases:,}, "
              f"national average {summary.cases_per_officer:.1f} open cases per officer")


@network_app.command("build")
def build(out_path: OutFile = BUILTIN_COURTS_CSV) -> None:
    """Rebuild the national network from official division data (needs the `network` optional extra)."""
    try:
        report = build_from_packages()
    except DataError as e:  # shown without markup: the message names the `.[network]` extra
        err.print(f"[red]cannot build:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    run(lambda: CourtNetwork(report.courts))  # never write a network the service would refuse
    for name, pinned in SOURCE_VERSIONS.items():
        if report.versions.get(name) != pinned:
            err.print(f"[yellow]warning:[/yellow] {name} {report.versions.get(name)} installed, "
                      f"data/README.md documents {pinned}; the output will differ from the shipped file")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8", newline="") as f:
        f.write(courts_to_csv(report.courts))
    _print_summary(summarise(report.courts), f"{out_path} (divisions as of {report.data_as_of})")
    flows = summarise_flows(list(report.flows.values()))
    out.print(f"modelled flows: {flows.judges:,} enforcement judges closing {flows.closed_per_year:,} cases a year "
              f"({flows.closed_per_judge:.1f} per judge), intake {flows.intake_per_year:,} a year; "
              f"open cases = {MEAN_DURATION_MONTHS} months of intake (as of {FLOWS_AS_OF})")
    sources = ", ".join(f"{kind} {n:,}" for kind, n in sorted(report.coordinate_source.items()))
    out.print(f"coordinates: {sources}")


@network_app.command("stats")
def stats(courts: CourtsFile = BUILTIN_COURTS_CSV) -> None:
    """Counts by level, staff, open cases, average load and courts without coordinates."""
    network = run(lambda: load_network(courts))
    summary = summarise(list(network))
    _print_summary(summary, str(courts))
    missing = summary.missing_coordinates
    shown = ", ".join(missing[:20]) + (f" (+{len(missing) - 20} more)" if len(missing) > 20 else "")
    out.print(f"courts without coordinates: {len(missing)}" + (f": {shown}" if missing else ""))


@network_app.command("show")
def show(code: CourtCode, courts: CourtsFile = BUILTIN_COURTS_CSV) -> None:
    """One court, the chain of courts above it, and the size of its jurisdiction."""
    network = run(lambda: load_network(courts))
    court = run(lambda: network.get(code))
    table = Table(title=f"{court.code} {court.name}", show_header=False)
    for key, value in court.model_dump(mode="json").items():
        table.add_row(key, "" if value is None else str(value))
    table.add_row("open cases per officer", f"{network.utilisation(code):.1f}")
    out.print(table)
    chain = [court, *network.ancestors(code)]
    out.print("上一级: " + " → ".join(f"{c.code} {c.name}" for c in chain))
    subtree = network.subtree(code)
    out.print(f"本辖区: {len(subtree):,} courts (including itself)")


@network_app.command("outlines")
def outlines(out_dir: Annotated[Path, typer.Option("--out", help="Directory for <province code>.json.")] = OUTLINES_DIR
             ) -> None:
    """Write each province's county outlines for the console's plan map (needs the `network` extra)."""
    try:
        collections = province_outlines()
    except DataError as e:
        err.print(f"[red]cannot build:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    for province, collection in collections.items():
        (out_dir / f"{province}.json").write_text(outline_json(collection), encoding="utf-8")
    counties = sum(len(c["features"]) for c in collections.values())
    out.print(f"{out_dir}: {len(collections)} provinces, {counties:,} county outlines")


def register(app: typer.Typer) -> None:
    app.add_typer(network_app, name="network")
