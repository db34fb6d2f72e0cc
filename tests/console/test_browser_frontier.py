"""The plan's frontier in a real browser: the forum's efficient plans drawn with the current plan
marked, a picked point redrawing the per-court bars, and "re-plan with this policy" making a new
plan through the batch job (stored, audited, policy recorded).

Its own module: re-planning publishes a new plan for the forum, which the other console tests'
store must not see.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.console.conftest import LiveConsole, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

FORUM = "I510100"


def _chart(page: Any, node: str) -> dict[str, Any]:
    return page.evaluate("(id) => echarts.getInstanceByDom(document.getElementById(id)).getOption()", node)


def test_dispatcher_picks_a_frontier_point_and_replans_with_its_policy(page: Any, live_console: LiveConsole) -> None:
    store = live_console.store
    sign_in(page, live_console, store.dispatcher_key)
    with page.expect_response(lambda r: "/frontier" in r.url, timeout=120_000) as frontier_info, \
            page.expect_response(lambda r: "/v1/console/plan" in r.url) as plan_info:
        page.click("a[data-nav='plan']")
    frontier, plan = frontier_info.value.json(), plan_info.value.json()
    page.wait_for_selector("body[data-frontier='1']", timeout=120_000)
    assert plan["scope"] == FORUM and frontier["plan_id"] == plan["plan_id"]

    # The current plan is marked, and its per-court bars are the plan's own placements.
    pool = page.locator("#frontier-pool").input_value()
    assert pool == f"{FORUM}:basic"
    points = [p for p in frontier["points"] if p["pool"] == pool]
    mine = next(p for p in frontier["plan"] if p["pool"] == pool)
    assert len(points) >= 2 and page.locator("#frontier").get_attribute("data-picked") == "-1"
    drawn = _chart(page, "frontier")
    assert [s["name"] for s in drawn["series"]] == ["效率前沿", "当前方案", "所选方案"]
    assert drawn["series"][0]["data"][-1]["value"] == [points[-1]["km_mean"], points[-1]["worst_per_officer"]]
    assert drawn["series"][1]["data"][0]["value"] == [mine["km_mean"], mine["worst_per_officer"]]
    placed = Counter(m["recommended"] for m in plan["moves"] if m["recommended"] and m["recommended"] != FORUM)
    assert {c: n for c, n in mine["received"].items() if c != FORUM} == dict(placed)
    courts = [c for c in plan["courts"] if c["level"] == "basic" and c["staff"] > 0]

    def bars() -> list[float]:  # the "所选方案" series: cases received per officer, 2 decimals
        return _chart(page, "frontier-courts")["series"][1]["data"]

    assert bars() == pytest.approx([mine["received"].get(c["code"], 0) / c["staff"] for c in courts], abs=0.0051)
    assert "当前方案按「默认」策略编排" in page.locator("#frontier-status").inner_text()  # the nightly plan's policy
    screenshot(page, "10-plan-frontier")

    # Picking the least-travel point (a real click on its symbol) redraws the bars with its placements.
    xy = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById("frontier"));
        const data = chart.getOption().series[0].data;
        return chart.convertToPixel({ seriesIndex: 0 }, data[data.length - 1].value);
    }""")
    box = page.locator("#frontier").bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    last = points[-1]
    assert page.locator("#frontier").get_attribute("data-picked") == str(len(points) - 1)
    assert bars() == pytest.approx([last["received"].get(c["code"], 0) / c["staff"] for c in courts], abs=0.0051)
    assert f"{last['km_mean']:.1f} 公里" in page.locator("#frontier-figures").inner_text()
    assert page.locator("#replan-policy").input_value() == "near"  # the least-travel end
    screenshot(page, "11-plan-frontier-picked")

    # Re-plan with that policy: a batch job makes a new plan for the forum, and the page opens it.
    page.click("#replan")
    page.wait_for_url(re.compile(r"plan_id="), timeout=120_000)
    page.wait_for_selector("body[data-loaded='1']")
    new_id = page.locator("#plan-id").inner_text()
    assert new_id and new_id != plan["plan_id"]
    api = httpx.Client(base_url=live_console.base_url, timeout=30)
    stored = api.get(f"/v1/plans/{new_id}", headers={"X-API-Key": store.dispatcher_key}).json()
    assert stored["scope"] == FORUM and stored["solver"]["policy"] == "near"
    jobs = api.get("/v1/recommendations/batch", headers={"X-API-Key": store.dispatcher_key}).json()["data"]
    assert [j["params"]["policy"] for j in jobs if j["plan_id"] == new_id] == ["near"]
    audit = api.get("/v1/audit", params={"kind": "plan", "subject": new_id},
                    headers={"X-API-Key": store.admin_key}).json()["data"]
    assert len(audit) == 1 and audit[0]["payload"]["scope"] == FORUM
    assert page.locator("#plan-select").input_value() == new_id
    page.wait_for_selector("body[data-frontier='1']", timeout=120_000)
    assert "当前方案按「就近」策略编排" in page.locator("#frontier-status").inner_text()
