"""Node alerts: the stored queue (jurisdiction-scoped like cases), its counts, and an on-demand pass."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import AnyKeyDep, NetworkDep, SessionDep
from api.routes._shared import AUTH_ERRORS, CourtQuery, Cursor, Limit, StorePassDep, cursor_page, errors
from api.service.alerts import AlertNode, store_alerts
from assign import alerts as alert_store
from assign.alerts import Severity
from rules.alert_facts import NODES

router = APIRouter(prefix="/v1/alerts", tags=["alerts"], responses=AUTH_ERRORS)
NodeQuery = Query(default=None, description="a node, e.g. closing_deadline")


class AlertsPage(BaseModel):
    data: list[dict[str, Any]] = Field(description="alerts (interchange `Alert` + id, first_seen_on, active)")
    next_after: int = Field(description="pass as ?after= to read on")
    has_more: bool


class HeatCell(BaseModel):
    court_code: str
    court_name: str
    node: str
    count: int
    high: int


class AlertSummary(BaseModel):
    total: int
    by_node: dict[str, int]
    by_severity: dict[str, int]
    by_court: dict[str, int]
    nodes: dict[str, str] = Field(description="node -> its Chinese name, in process order")
    heat: list[HeatCell] = Field(description="court x node counts of the active alerts")


class AlertPassOut(BaseModel):
    as_of: date
    cases: int
    alerts: int
    saved: dict[str, int]
    ruleset: str


@router.get("", response_model=AlertsPage, responses=errors(404),
            summary="Active node alerts in this key's jurisdiction, by cursor")
def list_alerts(key: AnyKeyDep, session: SessionDep, network: NetworkDep, node: AlertNode | None = NodeQuery,
                court: str | None = CourtQuery, severity: Severity | None = None, after: Cursor = 0,
                limit: Limit = 100) -> dict[str, Any]:
    rows = alert_store.list_alerts(session=session, court_codes=key.court_scope(network, court),
                                   node=node.value if node else None,
                                   severity=severity.value if severity else None, after=after, limit=limit)
    return cursor_page(rows, alert_store.payload_of, after=after, limit=limit)


@router.get("/summary", response_model=AlertSummary, responses=errors(404),
            summary="Counts by node, severity and court; court x node heat")
def alert_summary(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
                  court: str | None = CourtQuery) -> dict[str, Any]:
    counts = alert_store.alert_counts(session=session, court_codes=key.court_scope(network, court))
    by_node: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_court: Counter[str] = Counter()
    cells: dict[tuple[str, str], list[int]] = {}
    for court_code, node, severity, n in counts:
        by_node[node] += n
        by_severity[severity] += n
        by_court[court_code] += n
        cell = cells.setdefault((court_code, node), [0, 0])
        cell[0] += n
        cell[1] += n if severity == Severity.HIGH.value else 0
    heat = [{"court_code": c, "court_name": network.get(c).name if c in network else c, "node": n,
             "count": v[0], "high": v[1]} for (c, n), v in sorted(cells.items())]
    return {"total": sum(by_node.values()), "by_node": dict(by_node), "by_severity": dict(by_severity),
            "by_court": dict(by_court), "nodes": {n: info.name_zh for n, info in NODES.items()}, "heat": heat}


@router.post("/run", response_model=AlertPassOut, responses=errors(409),
             summary="Compute, store and publish the alerts of every open and 终本 case (admin; the nightly does it)")
async def run_alerts(run: StorePassDep) -> dict[str, Any]:
    found = await run_in_threadpool(lambda: store_alerts(run.engine, run.as_of, network=run.network,
                                                         rulebook_dir=run.settings.rulebook_dir, save=True))
    return {"as_of": run.as_of, "cases": found.cases, "alerts": len(found.alerts), "saved": found.saved,
            "ruleset": found.ruleset}
