"""The transfer outcomes dashboard in a real browser over the seeded store: a dispatcher accepts a transfer, the
command centre pushes its progress, and the page draws the receiving court's figures (ECharts) beside its own cases
and the province, the same numbers as GET /v1/outcomes/report, with a CSV export; jurisdiction kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from tests.console.conftest import LiveConsole, open_view, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
CASE = "(2024)川0105执388号"  # designate: recommended to another court of 成都


def test_the_outcomes_dashboard_draws_the_report(page: Any, live_console: LiveConsole) -> None:
    store = live_console.store
    api = httpx.Client(base_url=live_console.base_url, timeout=30, headers={"X-API-Key": store.dispatcher_key})
    rec_id = api.get(f"/v1/console/cases/{CASE}").json()["recommendation_id"]
    decided = api.post("/v1/decisions", json={"recommendation_id": rec_id, "action": "accept", "reason": "同意移送"})
    assert decided.status_code == 201, decided.text
    today = date.today().isoformat()
    pushed = httpx.post(f"{live_console.base_url}/v1/outcomes", headers={"X-API-Key": store.admin_key}, json={
        "events": [{"case_no": CASE, "kind": "measure", "on": today, "measure": "freeze"},
                   {"case_no": CASE, "kind": "recovered", "on": today, "recovered": "1000"}]})
    assert pushed.json()["recorded"]["new"] == 2, pushed.text
    report = api.get("/v1/outcomes/report").json()
    target = decided.json()["target_court"]
    assert [c["court_code"] for c in report["courts"]] == [target]
    assert report["courts"][0]["transferred"]["cases"] == 1
    assert report["courts"][0]["transferred"]["median_days_to_first_measure"] == 0.0

    open_view(page, live_console, store.dispatcher_key, "outcomes", "#outcomes tbody tr[data-court]")
    assert page.locator("h1").first.inner_text() == "移送执行成效"
    courts = page.eval_on_selector_all("#outcomes tbody tr[data-court]", "rows => rows.map(r => r.dataset.court)")
    assert courts == [target]
    cells = page.eval_on_selector_all(f"#outcomes tr[data-court='{target}'] td", "tds => tds.map(t => t.innerText)")
    own = report["courts"][0]["own"]["cases"]
    assert cells[:3] == ["1", str(own), "0 / " + _days(report["courts"][0]["own"]["median_days_to_first_measure"])
                         + " / 0"]
    drawn = page.evaluate("""() => ['chart-progress', 'chart-speed'].map((id) => {
        const chart = echarts.getInstanceByDom(document.getElementById(id));
        return chart.getOption().series.map((s) => s.data.length); })""")
    assert drawn == [[1, 1, 1], [1, 1, 1, 1, 1, 1]]
    assert page.locator("#chart-progress canvas").count() == 1
    screenshot(page, "30-outcomes")

    with page.expect_download() as info:
        page.click("#o-export")
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("as_of,court_code,court_name,province,transferred_cases")
    assert f",{target}," in text.splitlines()[1]

    other = httpx.get(f"{live_console.base_url}/v1/outcomes/report", headers={"X-API-Key": store.other_key}).json()
    assert other["courts"] == []  # 绵阳's dispatcher does not see 成都's receiving court


def _days(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"
