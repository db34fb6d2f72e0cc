"""§12.4 supervision whatever the applicant did; §12.5 "相应执行措施" for act obligations (Interp. Art. 10(3))."""

from __future__ import annotations

from datetime import date

import pytest

from assign.network import CourtNetwork
from assign.schemas import Outcome
from rules.engine import RuleEngine
from tests.rules.s12 import AFTER_E, D, E, sentence, verdict

APPLY = {"filed_with": "I510100", "on": D(2024, 3, 1)}


# ---------------------------------------------------------------- §12.4


def test_an_overdue_closing_deadline_allows_supervision_also_with_an_application(network: CourtNetwork,
                                                                                 engine: RuleEngine) -> None:
    """执行工作规定 item 74 ¶1 (应当督促) does not depend on an Art. 237 application."""
    v = verdict(network, engine, D(2024, 8, 1), application=APPLY)
    assert v.outcome == Outcome.ELIGIBLE and "SUPERVISION_POSSIBLE" in v.flags
    assert "结案期限已于2024年7月12日届满" in sentence(v, "flag.supervision_possible")


@pytest.mark.parametrize(("as_of", "fires"), [
    (E, True),  # six months not exceeded: the application is premature, itself a complaint (督办规定 Art. 2)
    (AFTER_E, False),  # the application is now in time: the Art. 237 route is open instead
])
def test_a_premature_application_is_a_complaint(network: CourtNetwork, engine: RuleEngine, as_of: date,
                                                fires: bool) -> None:
    # closing deadline pushed past both days by an auction period (审限规定 Art. 9(12); not an Art. 13 period)
    auction = [{"kind": "auction", "start": D(2024, 2, 1), "end": D(2024, 2, 10)}]
    v = verdict(network, engine, as_of, application=APPLY, other_periods=auction)
    assert ("SUPERVISION_POSSIBLE" in v.flags) is fires
    if fires:
        assert v.outcome == Outcome.NOT_YET
        assert "尚未超过六个月，属反映消极执行" in sentence(v, "flag.supervision_possible")


def test_a_petition_allows_supervision_with_an_application_too(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, D(2024, 5, 1), application=APPLY, petitions=[D(2024, 4, 2)])
    assert "SUPERVISION_POSSIBLE" in v.flags and "2024年4月2日" in sentence(v, "flag.supervision_possible")


# ---------------------------------------------------------------- §12.5


def act_case(obligation: str, measures: list[dict], as_of: date = D(2024, 8, 1)) -> dict:
    return {"as_of": as_of, "obligation": obligation, "assets": [], "measures": measures}


@pytest.mark.parametrize("obligation", ["behaviour", "delivery"])
@pytest.mark.parametrize("kind", ["notice", "asset_query", "freeze", "seize", "valuation", "auction", "sale"])
def test_steps_that_do_not_compel_the_act_leave_10_3_met(network: CourtNetwork, engine: RuleEngine, obligation: str,
                                                         kind: str) -> None:
    measures = [{"kind": "notice", "on": D(2024, 1, 15)}, {"kind": kind, "on": D(2024, 2, 1)}]
    v = verdict(network, engine, **act_case(obligation, measures))
    assert (v.outcome, v.basis) == (Outcome.ELIGIBLE, "10(3)")
    text = sentence(v, "flag.act_measures_not_corresponding")
    assert "执行通知（2024年1月15日）" in text and "不属“相应执行措施”" in text


@pytest.mark.parametrize("kind", ["eviction", "substitute_performance", "fine", "detention", "dishonest_list",
                                  "consumption_restriction"])
@pytest.mark.parametrize(("on", "outcome"), [(E, Outcome.NOT_ELIGIBLE), (AFTER_E, Outcome.ELIGIBLE)])
def test_a_compelling_measure_within_six_months_defeats_10_3(network: CourtNetwork, engine: RuleEngine, kind: str,
                                                             on: date, outcome: Outcome) -> None:
    v = verdict(network, engine, **act_case("behaviour", [{"kind": kind, "on": on}]))
    assert v.outcome == outcome
    if outcome == Outcome.NOT_ELIGIBLE:
        assert v.basis is None and "2024年7月10日" in sentence(v, "outcome.no_basis")


@pytest.mark.parametrize(("as_of", "outcome", "basis"), [
    (E, Outcome.NOT_ELIGIBLE, None),  # a corresponding measure was taken: 10(3) is not met
    (AFTER_E, Outcome.NOT_ELIGIBLE, "10(4)"),  # the act still undone six months on: 10(4), manual, never automatic
])
def test_an_eviction_notice_counts_but_leaves_10_4_to_manual_review(network: CourtNetwork, engine: RuleEngine,
                                                                    as_of: date, outcome: Outcome,
                                                                    basis: str | None) -> None:
    v = verdict(network, engine, **act_case("behaviour", [{"kind": "eviction_notice", "on": D(2024, 3, 1)}], as_of))
    assert (v.outcome, v.basis) == (outcome, basis)
    assert ("MANUAL_REVIEW_10_4" in v.flags) == (basis == "10(4)")
    if basis:
        assert "公告责令迁出（2024年3月1日）" in sentence(v, "flag.manual_10_4")


def test_an_unclassified_measure_goes_to_manual_review(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, **act_case("delivery", [{"kind": "other", "on": D(2024, 3, 1)}]))
    assert (v.outcome, v.basis) == (Outcome.NOT_ELIGIBLE, "10(3)")
    assert "MANUAL_REVIEW_10_3_OTHER_MEASURE" in v.flags
