"""`assign alerts --as-of DATE [--court CODE] [--json] [--save]`: node alerts over the store."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from api.cli.common import EXIT_INVALID_INPUT, err, out, write_json_stdout
from api.cli.findings import Findings, findings_command
from api.cli.options import Workers
from api.config import get_settings
from api.service.alerts import AlertNode, AlertPass, store_alerts
from assign.alerts import Alert, Severity

SHOWN = 50


def register(app: typer.Typer) -> None:
    @findings_command(app, "alerts", save=False)
    def alerts(
        findings: Findings,
        node: AlertNode | None = typer.Option(None, "--node", help="print only this node"),
        severity: Severity | None = typer.Option(None, "--severity", help="print only this severity"),
        workers: Workers = 2,
    ) -> None:
        """Node alerts (期限规定 step limits, closing deadline, 终本 queries) of the store's open and 终本 cases."""
        scope = findings.scope
        run = store_alerts(scope.engine, scope.day, network=scope.network, rulebook_dir=get_settings().rulebook_dir,
                           court=findings.court, save=findings.save, workers=workers)
        shown = [a for a in run.alerts if (node is None or a.node == node.value)
                 and (severity is None or a.severity == severity)]
        if findings.as_json:
            write_json_stdout(json.dumps([a.model_dump(mode="json") for a in shown], ensure_ascii=False, indent=2))
        else:
            _print(run, shown)
        for problem in run.problems:
            err.print(f"[red]not evaluated[/red] {problem}", highlight=False)
        if run.rejected:
            raise typer.Exit(EXIT_INVALID_INPUT)


def _print(run: AlertPass, shown: list[Alert]) -> None:
    table = Table(title=f"节点预警 {run.as_of} ({len(shown)} of {len(run.alerts)} alerts, {run.cases} cases, "
                        f"{run.ruleset})")
    for col in ("案号", "法院", "节点", "严重程度", "期限届满", "完成", "逾期天数", "依据"):
        table.add_column(col)
    for a in shown[:SHOWN]:
        table.add_row(a.case_no, a.court_code, a.node_zh, a.severity.value, str(a.due_on or ""),
                      str(a.done_on or "未完成"), str(a.days_overdue), a.legal_basis)
    out.print(table)
    if len(shown) > SHOWN:
        out.print(f"... {len(shown) - SHOWN} more (--json prints all)")
    counts = run.counts()
    out.print("by node: " + ", ".join(f"{k} {v}" for k, v in sorted(counts["node"].items())), highlight=False)
    out.print("by severity: " + ", ".join(f"{k} {v}" for k, v in sorted(counts["severity"].items())), highlight=False)
    if run.saved:
        out.print("saved: " + ", ".join(f"{k} {v}" for k, v in run.saved.items()), highlight=False)
