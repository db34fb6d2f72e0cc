"""The console in a real browser (Debian Chromium via Playwright) over a store seeded through the
real pipeline: sign in, filter the queue, open a case, accept, see it persisted, open the plan.

Each page is saved to test-artifacts/screenshots/ for review.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from docx import Document

from tests.console.conftest import LiveConsole, screenshot, sign_in
from tests.console.seed import HIDDEN_CASE

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

ACCEPTED_CASE = "(2024)川0105执388号"  # designate, petitions + interference: recommended to another court
MANDATORY_CASE = "(2024)川0107执2210号"


def _queue_case_nos(page: Any) -> list[str]:
    page.wait_for_selector("#queue tbody tr")  # a selector, not a function: the console's CSP forbids eval
    return page.eval_on_selector_all("#queue tbody tr[data-case-no]", "rows => rows.map(r => r.dataset.caseNo)")


def _wait_queue_update(page: Any, action: Any) -> None:
    with page.expect_response(lambda r: "/v1/console/queue" in r.url):
        action()
    page.wait_for_timeout(100)  # let the table render the response


def test_dispatcher_signs_in_filters_opens_accepts_and_sees_the_plan(page: Any, live_console: LiveConsole) -> None:
    api = httpx.Client(base_url=live_console.base_url, timeout=30)
    store = live_console.store

    page.goto(f"{live_console.base_url}/console/login")
    assert page.locator("h1").inner_text() == "调度员登录"
    screenshot(page, "01-login")
    sign_in(page, live_console, store.dispatcher_key)

    # The queue: counts by outcome, only this jurisdiction's cases.
    rows = _queue_case_nos(page)
    assert MANDATORY_CASE in rows and ACCEPTED_CASE in rows
    assert HIDDEN_CASE not in rows  # a 绵阳 case: outside 成都中院's jurisdiction
    assert page.locator(".count.MANDATORY_TRANSFER .n").inner_text() == "1"
    assert "四川省成都市中级人民法院" in page.locator("#who-court").inner_text()
    screenshot(page, "02-queue")

    _wait_queue_update(page, lambda: page.select_option("#f-outcome", "MANDATORY_TRANSFER"))
    assert _queue_case_nos(page) == [MANDATORY_CASE]
    _wait_queue_update(page, lambda: page.select_option("#f-outcome", ""))
    _wait_queue_update(page, lambda: page.select_option("#f-flag", "PETITIONS"))
    assert set(_queue_case_nos(page)) == {ACCEPTED_CASE, "(2024)川0116执303号"}
    _wait_queue_update(page, lambda: page.select_option("#f-court", "B510105"))
    assert _queue_case_nos(page) == [ACCEPTED_CASE]
    _wait_queue_update(page, lambda: page.select_option("#f-age", "365"))
    assert _queue_case_nos(page) == [ACCEPTED_CASE]  # received 2024-09-12, 434 days before the evaluation
    screenshot(page, "03-queue-filtered")

    # The case page: verdict and fired rules, the clock, the recommendation.
    page.click(f"#queue a:text('{ACCEPTED_CASE}')")
    page.wait_for_selector("body[data-loaded='1']")
    assert page.locator("#fired tbody tr").count() >= 2
    fired_text = page.locator("#fired").inner_text()
    assert "执行程序解释第十条" in fired_text and "法律依据：" in fired_text
    assert "起算" in fired_text and "日" in fired_text  # §12.12: each rule's sentence with its dates and days
    legend = page.locator("#timeline-legend").inner_text()
    assert "收到申请执行书：2024年9月12日" in legend and "可移送日" in legend
    assert page.locator("#timeline canvas").count() >= 1
    target = page.locator("#rec-target").inner_text()
    assert target.endswith("人民法院")
    assert page.locator("#alternatives tbody tr").count() >= 1
    assert page.locator("#excluded tbody tr").count() >= 1
    assert "不得为原执行法院" in page.locator("#excluded").inner_text()
    assert "5101**********0032" in page.locator("#case-summary").inner_text()  # party IDs masked for dispatchers
    screenshot(page, "04-case")

    # Accept with a reason: visible at once, persisted, audited.
    page.check("input[name=action][value=accept]")
    page.fill("#decision-reason", "被执行人为当地重点纳税企业且有不当干预记录，同意指定异地法院执行")
    page.click("#decision-submit")
    page.wait_for_selector("#decision-result")
    assert "已采纳" in page.locator("#decision-result").inner_text()
    assert target in page.locator("#decision-result").inner_text()
    page.wait_for_selector("#audit tr[data-kind='decision']")
    screenshot(page, "05-case-accepted")

    detail = api.get(f"/v1/console/cases/{ACCEPTED_CASE}", headers={"X-API-Key": store.dispatcher_key}).json()
    rec_id = detail["recommendation_id"]
    stored = api.get(f"/v1/recommendations/{rec_id}", headers={"X-API-Key": store.dispatcher_key})
    assert stored.status_code == 200, stored.text
    assert detail["decision"]["action"] == "accept" and "重点纳税企业" in detail["decision"]["reason"]
    audit = api.get("/v1/audit", params={"kind": "decision", "subject": f"recommendation:{rec_id}"},
                    headers={"X-API-Key": store.admin_key})
    assert audit.status_code == 200, audit.text
    records = audit.json()["data"]
    assert len(records) == 1 and records[0]["payload"]["action"] == "accept"

    # The ruling draft for the accepted designation, downloaded from the console.
    with page.expect_download() as download_info:
        page.click("button[data-doc='designate.docx']")
    data = open(download_info.value.path(), "rb").read()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "执行裁定书" in text and ACCEPTED_CASE in text and f"由{target}执行" in text

    # The plan view: workload chart, map, moves with the decision.
    page.click("a[data-nav='plan']")
    page.wait_for_selector("body[data-loaded='1']")
    assert page.locator("#workload canvas").count() >= 1 and page.locator("#map canvas").count() >= 1
    moves = page.locator("#moves").inner_text()
    assert ACCEPTED_CASE in moves and "已采纳" in moves
    assert "最优性差距" in page.locator("#plan-summary").inner_text()
    assert page.locator("#plan-select").input_value() == page.locator("#plan-id").inner_text()
    screenshot(page, "06-plan")
    _assert_map_over_county_outlines(page)

    # Art. 12: the missed order's deadline and the excluded appraisal are on the clock; the draft is a 提级 ruling.
    page.click(f"#moves a:text('{MANDATORY_CASE}')")
    page.wait_for_selector("body[data-loaded='1']")
    legend = page.locator("#timeline-legend").inner_text()
    assert "不计入：鉴定评估：2024年4月1日 至 2024年5月20日" in legend
    assert "督促执行令（四川省成都市中级人民法院）：2025年3月1日 至 2025年5月31日" in legend
    assert page.locator("button[data-doc='escalate.docx']").count() == 1
    screenshot(page, "08-case-mandatory-transfer")


def _assert_map_over_county_outlines(page: Any) -> None:
    """The plan map draws Sichuan's 183 county outlines, shades the forum's (成都中院) counties, and
    places each basic court inside its own county's outline."""
    assert page.locator("#map").get_attribute("data-outlines") == "183"
    drawn = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById("map"));
        const geo = chart.getOption().geo[0];
        const courts = chart.getOption().series[0].data;
        const system = chart.getModel().getComponent("geo").coordinateSystem;
        const basic = courts.filter((c) => c.level === "basic");
        const home = basic.filter((c) => (system.getRegionByCoord(c.value) || {}).name === c.code.slice(1));
        const region = system.getRegion("510104");
        const shaded = geo.regions.filter((r) => r.itemStyle && r.itemStyle.areaColor
                                                 && r.itemStyle.areaColor !== geo.itemStyle.areaColor);
        return { map: geo.map, shaded: shaded.map((r) => r.name), basic: basic.length, home: home.length,
                 jinjiang: region ? region.name : null };
    }""")
    assert drawn["map"] == "510000" and drawn["jinjiang"] == "510104"
    assert "510104" in drawn["shaded"] and "510703" not in drawn["shaded"]  # 锦江 in 成都's forum, 涪城 (绵阳) not
    assert len(drawn["shaded"]) == 20  # 成都's 20 basic courts' counties
    assert drawn["basic"] == 20 and drawn["home"] >= 19, drawn  # each basic court drawn in its own county


def test_dispatcher_overrides_to_another_legal_court(page: Any, live_console: LiveConsole) -> None:
    case_no = "(2024)川0106执951号"
    sign_in(page, live_console, live_console.store.dispatcher_key)
    page.goto(f"{live_console.base_url}/console/cases/{case_no}")
    page.wait_for_selector("body[data-loaded='1']")
    assert page.locator("#override-row").is_hidden()
    page.check("input[name=action][value=override]")
    assert page.locator("#override-row").is_visible()
    options = page.eval_on_selector_all("#override-court option", "o => o.map(x => [x.value, x.textContent])")
    assert options, "the alternatives are the legal courts to override to"
    code, name = options[-1]
    page.select_option("#override-court", code)
    page.fill("#decision-reason", "建议法院近期承接案件较多，改派备选法院")
    page.click("#decision-submit")
    page.wait_for_selector("#decision-result")
    result = page.locator("#decision-result").inner_text()
    assert "已改派" in result and name in result
    screenshot(page, "09-case-overridden")
    detail = httpx.get(f"{live_console.base_url}/v1/console/cases/{case_no}",
                       headers={"X-API-Key": live_console.store.dispatcher_key}).json()
    assert detail["decision"]["action"] == "override" and detail["decision"]["target_court"] == code
    assert detail["documents"] == {"kind": "designate", "source": "decision", "reason": None}


def test_a_decision_taken_meanwhile_by_someone_else_is_shown_not_overwritten(page: Any,
                                                                            live_console: LiveConsole) -> None:
    case_no = "(2024)川0116执303号"
    key = live_console.store.dispatcher_key
    sign_in(page, live_console, key)
    page.goto(f"{live_console.base_url}/console/cases/{case_no}")
    page.wait_for_selector("body[data-loaded='1']")
    rec_id = httpx.get(f"{live_console.base_url}/v1/console/cases/{case_no}",
                       headers={"X-API-Key": key}).json()["recommendation_id"]
    other = httpx.post(f"{live_console.base_url}/v1/decisions", headers={"X-API-Key": key},
                       json={"recommendation_id": rec_id, "action": "reject", "reason": "另一调度员：暂缓移送"})
    assert other.status_code == 201, other.text
    page.fill("#decision-reason", "同意")
    page.click("#decision-submit")
    page.wait_for_selector("#error:not([hidden])")
    assert "409" in page.locator("#error").inner_text()
    page.wait_for_selector("#decision-result")
    assert "已不采纳" in page.locator("#decision-result").inner_text()
    assert "暂缓移送" in page.locator("#decision-result").inner_text()


def test_another_courts_dispatcher_cannot_open_the_case(page: Any, live_console: LiveConsole) -> None:
    sign_in(page, live_console, live_console.store.other_key)
    assert _queue_case_nos(page) == [HIDDEN_CASE]
    page.goto(f"{live_console.base_url}/console/cases/{MANDATORY_CASE}")
    page.wait_for_selector("#error:not([hidden])")
    assert "403" in page.locator("#error").inner_text()
    screenshot(page, "07-other-jurisdiction-refused")


def test_a_wrong_key_is_refused_at_sign_in(page: Any, live_console: LiveConsole) -> None:
    page.goto(f"{live_console.base_url}/console/login")
    page.fill("#api-key", "ak_0000000000_wrong")
    page.click("#login-submit")
    page.wait_for_selector("#login-error:not([hidden])")
    assert "密钥无效" in page.locator("#login-error").inner_text()
