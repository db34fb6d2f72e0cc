"""A night writes only what changed, and the stored alerts still read as before: over nights on
consecutive days and a later one, GET /v1/alerts serves exactly the alerts `assign alerts --as-of`
computes on that day (days overdue of the still-open nodes included, though their rows were not
rewritten), a resolved alert reads as the last pass that found it computed it, and a row whose
content did not change keeps its `updated_at` (it was not rewritten)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign.alerts import OVERDUE, list_alerts, payload_of
from assign.db import session_scope
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import builtin_network
from tests.api.conftest import Keys, headers

NIGHTS = (date(2025, 11, 20), date(2025, 11, 21), date(2025, 12, 30))  # a first, the next day's, a later one
LIFECYCLE = ("id", "first_seen_on", "active", "resolved_on")
Key = tuple[str, str, str | None]


def _key(alert: dict[str, Any]) -> Key:
    return (alert["case_no"], alert["node"], alert["due_on"])


def _alert(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in LIFECYCLE}


def _computed(day: date) -> dict[Key, dict[str, Any]]:
    """`assign alerts --as-of DAY --json` (computed, not saved)."""
    result = CliRunner().invoke(app, ["alerts", "--as-of", day.isoformat(), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return {_key(a): a for a in json.loads(result.stdout)}


def _served(client: TestClient, keys: Keys) -> list[dict[str, Any]]:
    """Every active alert, as GET /v1/alerts pages them."""
    out: list[dict[str, Any]] = []
    after = 0
    while True:
        page = client.get(f"/v1/alerts?after={after}&limit=500", headers=headers(keys.admin)).json()
        out += page["data"]
        if not page["has_more"]:
            return out
        after = page["next_after"]


def _rows(engine: Engine) -> dict[int, tuple[str, datetime, bool]]:
    with engine.connect() as conn:
        return {i: (d, u, bool(a)) for i, d, u, a in conn.execute(sa.text(
            "SELECT id, data, updated_at, active FROM node_alert"))}


def test_stored_alerts_read_as_the_pass_that_last_found_them_computed_them(
        client: TestClient, keys: Keys, app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    network = builtin_network()
    import_cases(app_engine, generate_cases(network, 1500, seed=5, as_of=NIGHTS[0], province="51"), as_of=NIGHTS[0],
                 network=network)
    monkeypatch.setenv("DATABASE_URL", app_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    last_found: dict[Key, dict[str, Any]] = {}  # every alert as computed on the last night it fired
    served_before: dict[Key, dict[str, Any]] = {}
    try:
        for night in NIGHTS:
            rows_before = _rows(app_engine)
            computed = _computed(night)
            r = client.post(f"/v1/alerts/run?as_of={night.isoformat()}", headers=headers(keys.admin))
            assert r.status_code == 200, r.text
            last_found.update(computed)
            served = {_key(a): a for a in _served(client, keys)}
            assert {k: _alert(a) for k, a in served.items()} == computed  # as `assign alerts` on that day
            with session_scope(app_engine) as s:
                resolved = [payload_of(row) for row in list_alerts(session=s, active=False, limit=100_000)]
            for payload in resolved:  # as the last night that found it computed it
                assert _alert(payload) == last_found[_key(payload)] and payload["as_of"] < night.isoformat()
            rows_after = _rows(app_engine)
            kept = [i for i, (data, updated_at, active) in rows_before.items()
                    if active and rows_after[i][2] and rows_after[i][0] == data]
            assert all(rows_after[i][1] == rows_before[i][1] for i in kept)  # found again, the same: not rewritten
            if night == NIGHTS[1]:  # most alerts are the day before's; the still-open nodes' days overdue grew
                assert len(kept) > 0.9 * len(computed)
                grown = [k for k, a in served.items() if a["state"] == OVERDUE and k in served_before
                         and a["days_overdue"] == served_before[k]["days_overdue"] + 1]
                assert grown and {a["node"] for k, a in served.items() if k in grown} == {
                    "closing_deadline", "zhongben_monitoring"}
            served_before = served
    finally:
        get_settings.cache_clear()
    assert resolved  # the later night resolved some
