"""The alerts queue in a real browser over the seeded store (its nightly run computed the alerts):
counts by node, the court x node heat table, a click on a cell filters the list, jurisdiction kept."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.console.conftest import LiveConsole, open_view, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def test_the_alerts_queue_shows_counts_heat_and_filters(page: Any, live_console: LiveConsole) -> None:
    store = live_console.store
    api = httpx.Client(base_url=live_console.base_url, timeout=30, headers={"X-API-Key": store.dispatcher_key})
    summary = api.get("/v1/alerts/summary").json()
    assert summary["total"] > 0, "the seeded night should have raised alerts"

    open_view(page, live_console, store.dispatcher_key, "alerts", "#alerts tbody tr[data-case-no]")
    assert page.locator("h2").first.inner_text() == "法院 × 节点 预警分布"
    assert page.locator(".count.total .n").inner_text() == str(summary["total"])
    heat_courts = page.eval_on_selector_all("#heat tbody tr[data-court]", "rows => rows.map(r => r.dataset.court)")
    assert sorted(heat_courts) == sorted(summary["by_court"])
    assert all(code.startswith("B5101") or code == "I510100" for code in heat_courts)  # 成都 only
    screenshot(page, "20-alerts")

    cell = summary["heat"][0]
    with page.expect_response(lambda r: "/v1/alerts?" in r.url):
        page.click(f"#heat tr[data-court='{cell['court_code']}'] td[data-node='{cell['node']}']")
    page.wait_for_timeout(200)
    nodes = page.eval_on_selector_all("#alerts tbody tr[data-case-no]", "rows => rows.map(r => r.dataset.node)")
    assert nodes and set(nodes) == {cell["node"]} and len(nodes) == min(cell["count"], 100)
    assert f"court={cell['court_code']}" in page.url
    screenshot(page, "21-alerts-filtered")
