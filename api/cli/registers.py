"""`assign registers import FILE` and `assign leads --as-of DATE [--court CODE]`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from api.cli.common import EXIT_INVALID_INPUT, cli_errors, out, parse_as_of, print_rejected, write_json_stdout
from api.cli.findings import Findings, findings_command
from api.cli.options import JsonReport
from api.cli.stores import configured_store
from api.config import get_settings
from api.service.leads import run_leads
from assign.generator.registers import DEFAULT_DEBTOR_SHARE, generate_register_records
from assign.leads import debtor_ids, public_view, zhongben_rulings
from assign.register_import import import_register_file, report_dict

SHOWN = 50


def register(app: typer.Typer) -> None:
    registers = typer.Typer(help="Asset register feeds (vehicles, real estate, bank accounts, equity).",
                            no_args_is_help=True)

    @registers.command("import")
    def import_(
        file: Path = typer.Argument(..., help="register records: CSV, JSON array or JSON lines"),
        json_report: JsonReport = False,
    ) -> None:
        """Import (upsert by record_id) a register feed; bad rows are reported, good rows stored."""
        with cli_errors():
            engine = configured_store()
            fmt = "csv" if file.suffix.lower() == ".csv" else ("jsonl" if file.suffix.lower() == ".jsonl" else "json")
            report = import_register_file(engine, file, fmt=fmt)
            d = report_dict(report)
            if json_report:
                write_json_stdout(json.dumps(d, ensure_ascii=False, indent=2))
            else:
                out.print(" ".join(f"{k} {d[k]}" for k in ("stored", "updated", "unchanged", "rejected")),
                          highlight=False)
                print_rejected(report.rejected)
            if not report.ok:
                raise typer.Exit(EXIT_INVALID_INPUT)

    @registers.command("generate")
    def generate(
        out_file: Path = typer.Option(..., "--out", help="the feed to write (JSON lines)"),
        rows: int = typer.Option(10_000, "--rows", min=1, help="register rows"),
        share: float = typer.Option(DEFAULT_DEBTOR_SHARE, "--share", min=0.0, max=1.0,
                                    help="share of rows held by the store's open and 终本 debtors"),
        as_of: str = typer.Option(None, "--as-of", help="no date after this day (default: today)"),
        seed: int = typer.Option(17, "--seed"),
    ) -> None:
        """Write a synthetic register feed whose debtor rows belong to the store's cases (docs/workload.md)."""
        with cli_errors():
            day = parse_as_of(as_of)
            engine = configured_store()
            debtors = debtor_ids(engine)
            with out_file.open("w", encoding="utf-8") as f:
                for record in generate_register_records(debtors, rows, debtor_share=share, seed=seed, as_of=day,
                                                        rulings=zhongben_rulings(engine)):
                    f.write(record.model_dump_json() + "\n")
            out.print(f"wrote {rows:,} register rows ({share:.0%} held by {len(debtors):,} debtors) to {out_file}",
                      highlight=False)

    @findings_command(app, "leads", save=True)
    def leads(findings: Findings) -> None:
        """Restoration leads (恢复执行线索): the registers matched against every open and 终本 case by debtor id."""
        scope = findings.scope
        day = scope.day
        run = run_leads(scope.engine, day, network=scope.network, action_days=get_settings().lead_action_days,
                        save=findings.save, court=findings.court)
        if findings.as_json:
            write_json_stdout(json.dumps([public_view(x) for x in run.leads], ensure_ascii=False, indent=2))
            return
        table = Table(title=f"恢复执行线索 {day} ({len(run.leads)} leads, {run.pairs} debtor matches)")
        for col in ("案号", "法院", "类型", "财产", "登记日", "价值", "首次发现", "处理期限", "状态", "上一级"):
            table.add_column(col)
        for x in run.leads[:SHOWN]:
            table.add_row(x.case_no, x.court_code, x.kind, x.record.asset_kind.value,
                          str(x.record.registered_on), str(x.record.value or "未知"), str(x.first_seen_on),
                          str(x.act_by), x.state.value, x.forum or "")
        out.print(table)
        out.print("by state: " + ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items())) +
                  f"; new {run.new}, resolved {run.resolved}, events {run.events}", highlight=False)

    app.add_typer(registers, name="registers")
