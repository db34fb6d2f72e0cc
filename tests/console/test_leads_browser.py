"""The restoration-leads list in a real browser: leads of the dispatcher's jurisdiction only, asset, amount and the
court's reaction shown in Chinese, a filter on the state narrows the list."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.console.conftest import LiveConsole, screenshot
from tests.console.seed import AS_OF

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def _feed(live_console: LiveConsole) -> str:
    """One vehicle registered after the ruling for every stored 终本 case's debtor, and a house for one open case's."""
    with live_console.store.engine.connect() as conn:
        zhongben = [r[0] for r in conn.execute(sa.text(
            "SELECT debtor_id FROM case_record WHERE status = 'zhongben' ORDER BY case_no"))]
        open_debtor = conn.execute(sa.text(
            "SELECT debtor_id FROM case_record WHERE status = 'open' ORDER BY case_no LIMIT 1")).scalar_one()
    rows = [f"V{i},{d},vehicle,{AS_OF.isoformat()},交管局,85000" for i, d in enumerate(zhongben)]
    rows.append(f"H1,{open_debtor},real_estate,2020-01-01,不动产登记中心,")
    return "record_id,party_id,asset_kind,registered_on,registry,value\n" + "\n".join(rows) + "\n"


def test_the_leads_list_shows_this_jurisdictions_leads(page: Any, live_console: LiveConsole) -> None:
    store = live_console.store
    admin = httpx.Client(base_url=live_console.base_url, timeout=60, headers={"X-API-Key": store.admin_key})
    imported = admin.post("/v1/registers/import", content=_feed(live_console), headers={"content-type": "text/csv"})
    assert imported.status_code == 200 and imported.json()["rejected"] == 0, imported.text
    assert admin.post(f"/v1/leads/run?as_of={AS_OF.isoformat()}").status_code == 200
    mine = httpx.Client(base_url=live_console.base_url, timeout=30, headers={"X-API-Key": store.dispatcher_key})
    expected = mine.get("/v1/leads?limit=500").json()["data"]
    assert expected, "the seeded store should give the dispatcher's jurisdiction some leads"

    page.goto(f"{live_console.base_url}/console/login")
    page.fill("#api-key", store.dispatcher_key)
    page.click("#login-submit")
    page.wait_for_url("**/console/queue**")
    page.click("a[data-nav=leads]")
    page.wait_for_url("**/console/leads**")
    page.locator("#leads tbody tr[data-case-no]").first.wait_for()
    shown = page.eval_on_selector_all("#leads tbody tr[data-case-no]", "rows => rows.map(r => r.dataset.caseNo)")
    assert sorted(shown) == sorted(x["case_no"] for x in expected)
    courts = page.eval_on_selector_all("#leads tbody tr[data-court]", "rows => rows.map(r => r.dataset.court)")
    assert all(code.startswith("B5101") or code == "I510100" for code in courts)  # 成都 only
    first = page.locator("#leads tbody tr[data-case-no]").first.inner_text()
    assert "待处理" in first and "未处理" in first
    screenshot(page, "30-leads")

    with page.expect_response(lambda r: "/v1/leads?" in r.url):
        page.select_option("#l-state", "acted_on")
    page.wait_for_timeout(200)
    acted = page.eval_on_selector_all("#leads tbody tr[data-case-no]", "rows => rows.map(r => r.dataset.state)")
    assert acted == [] and "没有符合条件的线索" in page.locator("#leads tbody").inner_text()
    assert "state=acted_on" in page.url
