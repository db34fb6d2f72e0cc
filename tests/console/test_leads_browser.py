"""The restoration-leads list in a real browser: leads of the dispatcher's jurisdiction only, asset, amount and the
court's reaction shown in Chinese, a filter on the state narrows the list, a 终本 case's lead downloads its draft
恢复执行通知."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from docx import Document

from api.service.store import import_case_file
from tests.console.conftest import LiveConsole, open_view, screenshot
from tests.console.seed import AS_OF, _case, _party

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


def _zhongben_case(live_console: LiveConsole) -> None:
    """A 成都 case closed by 终本 half a year ago (the seeded store has open cases only)."""
    case = _case("(2024)川0104执1390号", "B510104", date(2024, 3, 4), status="zhongben",
                 zhongben={"ruled_on": "2025-05-20"},
                 applicant=_party("510104198506060121", "黄磊", "person", "510104"),
                 debtor=_party("91510104MA6MM0013Z", "成都锦江餐饮管理有限公司", "company", "510104"))
    report = import_case_file(live_console.store.engine, json.dumps([case]).encode(), as_of=AS_OF)
    assert report.rejected_rows == 0


def test_the_leads_list_shows_this_jurisdictions_leads(page: Any, live_console: LiveConsole) -> None:
    store = live_console.store
    _zhongben_case(live_console)
    admin = httpx.Client(base_url=live_console.base_url, timeout=60, headers={"X-API-Key": store.admin_key})
    imported = admin.post("/v1/registers/import", content=_feed(live_console), headers={"content-type": "text/csv"})
    assert imported.status_code == 200 and imported.json()["rejected"] == 0, imported.text
    assert admin.post(f"/v1/leads/run?as_of={AS_OF.isoformat()}").status_code == 200
    mine = httpx.Client(base_url=live_console.base_url, timeout=30, headers={"X-API-Key": store.dispatcher_key})
    expected = mine.get("/v1/leads?limit=500").json()["data"]
    assert expected, "the seeded store should give the dispatcher's jurisdiction some leads"

    open_view(page, live_console, store.dispatcher_key, "leads", "#leads tbody tr[data-case-no]")
    shown = page.eval_on_selector_all("#leads tbody tr[data-case-no]", "rows => rows.map(r => r.dataset.caseNo)")
    assert sorted(shown) == sorted(x["case_no"] for x in expected)
    courts = page.eval_on_selector_all("#leads tbody tr[data-court]", "rows => rows.map(r => r.dataset.court)")
    assert all(code.startswith("B5101") or code == "I510100" for code in courts)  # 成都 only
    first = page.locator("#leads tbody tr[data-case-no]").first.inner_text()
    assert "待处理" in first and "未处理" in first
    screenshot(page, "30-leads")

    # the draft 恢复执行通知 of a 终本 case's lead, downloaded from its row; the debtor's id masked in it
    noticeable = [x for x in expected if x["kind"] == "restoration" and x["state"] != "acted_on" and x["forum"]]
    assert noticeable and page.locator("#leads tbody [data-notice]").count() == len(noticeable)
    restoration = noticeable[0]
    with page.expect_download() as download_info:
        page.click(f"button[data-notice='{restoration['id']}']")
    text = "\n".join(p.text for p in Document(io.BytesIO(open(download_info.value.path(), "rb").read())).paragraphs)
    assert "恢复执行通知" in text and restoration["case_no"] in text and "裁定终结本次执行程序" in text
    assert restoration["record"]["party_id"] in text  # the masked id, as the list shows it
    with live_console.store.engine.connect() as conn:
        debtor = conn.execute(sa.text("SELECT debtor_id FROM case_record WHERE case_no = :n"),
                              {"n": restoration["case_no"]}).scalar_one()
    assert debtor not in text

    with page.expect_response(lambda r: "/v1/leads?" in r.url):
        page.select_option("#l-state", "acted_on")
    page.wait_for_timeout(200)
    acted = page.eval_on_selector_all("#leads tbody tr[data-case-no]", "rows => rows.map(r => r.dataset.state)")
    assert acted == [] and "没有符合条件的线索" in page.locator("#leads tbody").inner_text()
    assert "state=acted_on" in page.url
