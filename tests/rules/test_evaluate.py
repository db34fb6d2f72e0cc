"""Verdicts end to end (facts -> engine -> verdict): outcomes, modes policy, audit trail, monotone in the date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assign.network import CourtNetwork
from assign.schemas import Mode, Outcome, Verdict
from rules.engine import RuleEngine
from rules.evaluate import evaluate_cases
from rules.facts import BatchContext
from tests.factories import make_case

D = date
AS_OF = D(2024, 8, 1)
GOV = {"id": "11510104000000001X", "name": "某镇人民政府", "kind": "government", "domicile_division": "510104"}


def verdict(network: CourtNetwork, engine: RuleEngine, as_of: date = AS_OF, batch: BatchContext | None = None,
            **kw: Any) -> Verdict:
    return evaluate_cases([make_case(**kw)], network, as_of, engine, batch)[0]


def order(deadline: date, reason: str | None = None) -> dict[str, Any]:
    return {"issued_by": "I510100", "issued_on": D(2024, 7, 15), "deadline": deadline, "good_reason": reason}


@pytest.mark.parametrize(("as_of", "outcome"), [(D(2024, 7, 10), Outcome.NOT_YET), (D(2024, 7, 11), Outcome.ELIGIBLE)])
def test_six_month_boundary(network: CourtNetwork, engine: RuleEngine, as_of: date, outcome: Outcome) -> None:
    v = verdict(network, engine, as_of=as_of)
    assert v.outcome == outcome and v.basis == "10(1)" and v.eligible_from == D(2024, 7, 11)


def test_eligible_defaults_to_the_least_costly_order(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine)
    assert v.permitted_modes == [Mode.ORDER, Mode.DESIGNATE, Mode.ESCALATE]
    assert v.recommended_mode == Mode.ORDER and v.forum == "I510100"


@pytest.mark.parametrize("indicator", [{"debtor": GOV}, {"petitions": [D(2024, 6, 1)]},
                                       {"interference_reports": [D(2024, 6, 1)]}])
def test_indicators_point_to_designation(network: CourtNetwork, engine: RuleEngine, indicator: dict) -> None:
    v = verdict(network, engine, **indicator)
    assert v.outcome == Outcome.ELIGIBLE and v.recommended_mode == Mode.DESIGNATE
    assert "CROSS_ENFORCEMENT_CANDIDATE" in v.flags


def test_large_amount_with_indicator_points_to_escalation(network: CourtNetwork, engine: RuleEngine) -> None:
    assert verdict(network, engine, debtor=GOV, amount="10000000").recommended_mode == Mode.ESCALATE
    assert verdict(network, engine, amount="10000000").recommended_mode == Mode.ORDER


def test_officer_conflict_alone_is_recusal_not_transfer(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, officer_conflict=True)
    assert "RECUSAL_OFFICER" in v.flags and v.recommended_mode == Mode.ORDER
    early = verdict(network, engine, as_of=D(2024, 3, 1), officer_conflict=True)
    assert early.outcome == Outcome.NOT_YET and early.permitted_modes == [] and early.recommended_mode is None


def test_linked_cases_suggest_concentration(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, batch=BatchContext({"91510104MA6C000001": 10}))
    assert Mode.CONCENTRATE in v.permitted_modes and v.recommended_mode == Mode.CONCENTRATE
    assert "RELATED_CASES_CONCENTRATION" in v.flags


@pytest.mark.parametrize(("deadline", "reason", "outcome"), [
    (D(2024, 8, 1), None, Outcome.WAIT),
    (D(2024, 7, 31), None, Outcome.MANDATORY_TRANSFER),
    (D(2024, 7, 31), "鉴定评估中", Outcome.ELIGIBLE),
])
def test_supervision_order_states(network: CourtNetwork, engine: RuleEngine, deadline: date, reason: str | None,
                                  outcome: Outcome) -> None:
    assert verdict(network, engine, supervision_orders=[order(deadline, reason)]).outcome == outcome


def test_mandatory_transfer_permits_only_escalation_or_designation(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, supervision_orders=[order(D(2024, 7, 31))],
                batch=BatchContext({"91510104MA6C000001": 12}))
    assert v.permitted_modes == [Mode.DESIGNATE, Mode.ESCALATE] and v.recommended_mode == Mode.DESIGNATE


def test_enforcement_finished_before_the_deadline_is_no_action(network: CourtNetwork, engine: RuleEngine) -> None:
    assets = [{"id": "A1", "kind": "deposit", "value": "1", "available_at_application": True,
               "seized_on": D(2024, 7, 16), "disposed_on": D(2024, 7, 20)}]
    v = verdict(network, engine, supervision_orders=[order(D(2024, 7, 31))], assets=assets)
    assert v.outcome == Outcome.NO_ACTION


def test_concluded_case_is_no_action(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, status="concluded", officer_conflict=True)
    assert v.outcome == Outcome.NO_ACTION and v.flags == []


def test_application_to_the_wrong_court_is_routed(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, application={"filed_with": "H510000", "on": D(2024, 7, 20)})
    assert v.outcome == Outcome.ROUTE_TO_PROPER_COURT and v.forum == "I510100"


def test_10_4_and_notice_alone_go_to_manual_review(network: CourtNetwork, engine: RuleEngine) -> None:
    a = [{"id": "A1", "kind": "other", "value": "1", "available_at_application": False}]
    v = verdict(network, engine, assets=a)
    assert (v.outcome, v.basis) == (Outcome.NOT_ELIGIBLE, "10(4)") and "MANUAL_REVIEW_10_4" in v.flags
    assert v.permitted_modes == [] and v.eligible_from is None
    n = verdict(network, engine, obligation="behaviour", assets=[])  # §12.5: a notice alone is no measure
    assert n.outcome == Outcome.ELIGIBLE and n.basis == "10(3)"


def test_no_assets_suggests_zhongben(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, assets=[])
    assert v.outcome == Outcome.NOT_ELIGIBLE and v.basis is None and "CONSIDER_ZHONGBEN" in v.flags


def test_improper_zhongben_is_flagged(network: CourtNetwork, engine: RuleEngine) -> None:
    assets = [{"id": "A1", "kind": "real_estate", "value": "1", "available_at_application": True,
               "seized_on": D(2024, 1, 20)}]
    zb = {"ruled_on": D(2024, 3, 1), "asset_queries": [], "undisposed_asset_ids": ["A1"]}
    v = verdict(network, engine, as_of=D(2024, 9, 2), status="zhongben", zhongben=zb, assets=assets)
    assert v.outcome == Outcome.NOT_ELIGIBLE
    assert {"IMPROPER_ZHONGBEN_TOO_EARLY", "IMPROPER_ZHONGBEN_ASSET_NOT_DISPOSED", "CROSS_ENFORCEMENT_CANDIDATE",
            "ZHONGBEN_MONITORING_LAPSE"} <= set(v.flags)


def test_every_fired_rule_is_audited_with_its_facts(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, debtor=GOV)
    assert v.fired[0].rule_id == "outcome.eligible"
    assert v.fired[0].facts == {"case_state": "open", "application_state": "none", "basis_kind": "clock",
                                "order_reading": "none", "period_exceeded": True}
    assert all(f.label_zh and f.legal_basis and f.explanation_zh and (f.law or f.policy) for f in v.fired)
    assert v.rulebook_version.id == "art237@1.2.1" and len(v.rulebook_version.hash) == 64


# ---------------------------------------------------------------- monotone in the date

ORDER = [Outcome.NOT_YET, Outcome.ELIGIBLE]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(received=st.dates(min_value=D(2023, 1, 1), max_value=D(2024, 6, 1)),
       gaps=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 60), st.booleans()), max_size=3),
       steps=st.lists(st.integers(1, 90), min_size=2, max_size=6))
def test_not_yet_to_eligible_never_goes_back(network: CourtNetwork, engine: RuleEngine, received: date,
                                             gaps: list, steps: list[int]) -> None:
    periods = [{"kind": "suspension", "start": received + timedelta(days=s),
                "end": None if running else received + timedelta(days=s + n)} for s, n, running in gaps]
    case = make_case(received_on=received, filed_on=received, excluded_periods=periods)
    day, seen_eligible = received, False
    for step in steps:
        day += timedelta(days=step)
        v = evaluate_cases([case], network, day, engine)[0]
        assert v.outcome in ORDER
        if seen_eligible:
            assert v.outcome == Outcome.ELIGIBLE
        seen_eligible = v.outcome == Outcome.ELIGIBLE
        # §12.11: while a suspension runs the first eligible day is not a fact yet, only a projection
        first = v.eligible_from or v.eligible_from_projected
        assert first is not None and (v.outcome == Outcome.ELIGIBLE) == (day >= first)
        if v.eligible_from is None:
            assert v.outcome == Outcome.NOT_YET


def test_constructed_verdicts_are_valid_interchange_verdicts(network: CourtNetwork, engine: RuleEngine) -> None:
    cases = [make_case(), make_case("(2024)川0104执2号", debtor=GOV, supervision_orders=[order(D(2024, 7, 31))]),
             make_case("(2024)川0104执3号", assets=[], status="zhongben",
                       zhongben={"ruled_on": D(2024, 3, 1), "asset_queries": [], "undisposed_asset_ids": []})]
    for v in evaluate_cases(cases, network, AS_OF, engine):
        again = Verdict.model_validate_json(v.model_dump_json())
        assert again == Verdict.model_validate(v.model_dump())
        assert again.model_dump(mode="json") == v.model_dump(mode="json")
