"""Fact building from cases: Art. 10 basis, forum, orders, 终本 checks, indicators (legal-reference §§2-9)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assign.errors import DataError
from assign.network import CourtNetwork
from rules.facts import FACTS, BatchContext, build_facts
from tests.factories import make_case

D = date
AS_OF = D(2024, 8, 1)


def asset(**kw: Any) -> dict[str, Any]:
    base = {"id": "A1", "kind": "deposit", "value": "1000", "available_at_application": True,
            "discovered_on": None, "seized_on": None, "disposed_on": None}
    base.update(kw)
    return base


def facts_of(network: CourtNetwork, as_of: date = AS_OF, batch: BatchContext | None = None, **kw: Any):
    return build_facts(make_case(**kw), network, as_of, batch)


def test_every_fact_is_built_with_its_declared_type(network: CourtNetwork) -> None:
    f = facts_of(network).facts
    assert set(f) == set(FACTS)
    assert all(type(v) is FACTS[k].type for k, v in f.items())


def test_basis_10_1_from_receipt(network: CourtNetwork) -> None:
    cf = facts_of(network)
    assert (cf.facts["basis"], cf.facts["basis_kind"], cf.clock_start) == ("10(1)", "clock", D(2024, 1, 10))
    assert cf.eligible_from == D(2024, 7, 11) and cf.facts["period_exceeded"]


def test_basis_10_2_from_the_earliest_undisposed_discovery(network: CourtNetwork) -> None:
    cf = facts_of(network, assets=[asset(id="A1", available_at_application=False, discovered_on=D(2024, 3, 5)),
                                   asset(id="A2", available_at_application=False, discovered_on=D(2024, 2, 1),
                                         seized_on=D(2024, 2, 2), disposed_on=D(2024, 4, 1))])
    assert (cf.facts["basis"], cf.clock_start, cf.eligible_from) == ("10(2)", D(2024, 3, 5), D(2024, 9, 6))
    assert not cf.facts["period_exceeded"]


def test_no_assets_no_basis_and_enforced_assets(network: CourtNetwork) -> None:
    assert facts_of(network, assets=[]).facts["basis_kind"] == "none"
    done = facts_of(network, assets=[asset(seized_on=D(2024, 2, 1), disposed_on=D(2024, 5, 1))])
    assert done.facts["basis_kind"] == "enforced"
    # disposal dated after the evaluation date is not known yet
    later = facts_of(network, as_of=D(2024, 4, 1), assets=[asset(seized_on=D(2024, 2, 1), disposed_on=D(2024, 5, 1))])
    assert later.facts["basis"] == "10(1)"


def test_undated_later_asset_is_10_4_manual(network: CourtNetwork) -> None:
    cf = facts_of(network, assets=[asset(available_at_application=False)])
    assert (cf.facts["basis"], cf.facts["basis_kind"], cf.clock_start) == ("10(4)", "manual", None)


@pytest.mark.parametrize(("measures", "basis", "kind"), [
    ([], "10(3)", "clock"),
    ([{"kind": "notice", "on": D(2024, 1, 15)}], "10(3)", "clock"),  # §12.5: a notice is not 相应
    ([{"kind": "other", "on": D(2024, 1, 15)}], "10(3)", "manual"),  # CONVENTION: `other` left to review
    ([{"kind": "fine", "on": D(2024, 7, 10)}], "none", "none"),  # on E: in time
    ([{"kind": "fine", "on": D(2024, 7, 11)}], "10(3)", "clock"),  # after six months: the lapse stands
])
def test_behaviour_basis_10_3_depends_on_measures_in_time(network: CourtNetwork, measures: list, basis: str,
                                                           kind: str) -> None:
    cf = facts_of(network, obligation="behaviour", assets=[], measures=measures)
    assert (cf.facts["basis"], cf.facts["basis_kind"]) == (basis, kind)


def test_forum_is_the_parent_or_the_entrusted_courts_parent(network: CourtNetwork) -> None:
    assert facts_of(network).forum == "I510100"
    cf = facts_of(network, entrusted={"to_court": "B510703", "filed_on": D(2024, 3, 1)})
    assert cf.forum == "I510700" and cf.clock_start == D(2024, 3, 1)


@pytest.mark.parametrize(("filed_with", "state"), [("I510100", "at_forum"), ("H510000", "wrong_court")])
def test_application_forum_check(network: CourtNetwork, filed_with: str, state: str) -> None:
    cf = facts_of(network, application={"filed_with": filed_with, "on": D(2024, 7, 20)})
    assert cf.facts["application_state"] == state


def test_unknown_court_is_a_data_error_naming_the_case(network: CourtNetwork) -> None:
    with pytest.raises(DataError, match="川0104执1号.*B000000"):
        facts_of(network, court_code="B000000")


@pytest.mark.parametrize(("deadline", "reason", "state"), [
    (D(2024, 8, 1), None, "running"),  # the deadline day is still inside the period
    (D(2024, 7, 31), None, "passed_no_reason"),
    (D(2024, 7, 31), "评估中", "passed_good_reason"),
    (D(2024, 7, 31), "  ", "passed_no_reason"),
])
def test_supervision_order_state(network: CourtNetwork, deadline: date, reason: str | None, state: str) -> None:
    order = {"issued_by": "I510100", "issued_on": D(2024, 7, 15), "deadline": deadline, "good_reason": reason}
    assert facts_of(network, supervision_orders=[order]).facts["order_state"] == state


def test_zhongben_checks(network: CourtNetwork) -> None:
    zb = {"ruled_on": D(2024, 4, 13), "asset_queries": [], "undisposed_asset_ids": ["A1"]}
    f = facts_of(network, status="zhongben", zhongben=zb, as_of=D(2024, 11, 1),
                 assets=[asset(seized_on=D(2024, 2, 1))]).facts
    assert f["case_state"] == "zhongben" and not f["zhongben_too_early"]
    assert f["zhongben_undisposed_assets"] == 1 and not f["zhongben_auction_tried"]
    assert f["zhongben_monitoring_lapse"]  # first window ended 2024-10-13 without a query
    # filed 2024-01-12: a 终本 on 2024-04-12 is not yet "more than three months" after filing
    too_early = facts_of(network, status="zhongben", zhongben=dict(zb, ruled_on=D(2024, 4, 12)))
    assert too_early.facts["zhongben_too_early"]


def test_restored_case_runs_a_new_10_2_clock(network: CourtNetwork) -> None:
    zb = {"ruled_on": D(2024, 5, 1), "asset_queries": [], "undisposed_asset_ids": []}
    cf = facts_of(network, as_of=D(2025, 1, 1), zhongben=zb, restored_on=D(2024, 9, 1),
                  assets=[asset(id="A1", seized_on=D(2024, 2, 1), disposed_on=D(2024, 3, 1)),
                          asset(id="A2", available_at_application=False, discovered_on=D(2024, 8, 20))])
    assert (cf.facts["basis"], cf.clock_start, cf.facts["restored"]) == ("10(2)", D(2024, 8, 20), True)


def test_linked_cases_count_the_batch_and_related_numbers_once(network: CourtNetwork) -> None:
    batch = BatchContext({"91510104MA6C000001": 4})
    assert facts_of(network, batch=batch).facts["linked_case_count"] == 4
    related = [f"(2024)川0105执{i}号" for i in range(6)]
    assert facts_of(network, batch=batch, related_case_nos=related).facts["linked_case_count"] == 7
    cases = [make_case(f"(2024)川0104执{i}号") for i in range(3)]
    assert BatchContext.from_cases(cases).debtor_open_cases == {"91510104MA6C000001": 3}


def test_indicators_count_only_events_up_to_the_date(network: CourtNetwork) -> None:
    f = facts_of(network, petitions=[D(2024, 5, 1), D(2024, 9, 1)], interference_reports=[D(2024, 9, 1)]).facts
    assert (f["petition_count"], f["interference_count"]) == (1, 0)


def test_running_suspension_days_and_stalled_seizure(network: CourtNetwork) -> None:
    f = facts_of(network, excluded_periods=[{"kind": "suspension", "start": D(2024, 5, 3), "end": None}],
                 assets=[asset(seized_on=D(2024, 1, 20))]).facts
    assert f["open_suspension_days"] == 91
    assert f["oldest_undisposed_seizure_months"] == 6
    assert not f["period_exceeded"]  # the suspension stops the clock


@pytest.mark.parametrize(("change", "message"), [
    ({"period_exceeded": 1}, "is int, expected bool"),
    ({"countable_days": "99"}, "is str, expected int"),
    ({"case_state": "pending"}, "not one of"),
])
def test_mistyped_facts_never_reach_the_engine(network: CourtNetwork, change: dict, message: str) -> None:
    from rules.facts import check_fact_types

    facts = dict(facts_of(network).facts, **change)
    with pytest.raises(DataError, match=message):
        check_fact_types("X", facts)
    with pytest.raises(DataError, match="fact set differs"):
        check_fact_types("X", {**facts_of(network).facts, "extra": 1})


@pytest.mark.parametrize(("where", "change"), [
    ("court_code", {"court_code": "B999999"}),
    ("entrusted.to_court", {"entrusted": {"to_court": "B999999", "filed_on": D(2024, 3, 1)}}),
    ("application.filed_with", {"application": {"filed_with": "B999999", "on": D(2024, 7, 20)}}),
    ("supervision_orders[1].issued_by", {"supervision_orders": [
        {"issued_by": "I510100", "issued_on": D(2024, 5, 1), "deadline": D(2024, 6, 1)},
        {"issued_by": "B999999", "issued_on": D(2024, 6, 2), "deadline": D(2024, 7, 1)}]}),
])
def test_a_court_code_outside_the_network_is_refused_wherever_it_stands(
        network: CourtNetwork, where: str, change: dict[str, Any]) -> None:
    with pytest.raises(DataError, match=rf"{re.escape(where)} names unknown court 'B999999'"):
        facts_of(network, **change)


def test_a_restoration_after_the_evaluation_date_is_not_known_yet(network: CourtNetwork) -> None:
    zb = {"ruled_on": D(2024, 5, 1), "asset_queries": [], "undisposed_asset_ids": []}
    cf = facts_of(network, as_of=D(2024, 8, 1), zhongben=zb, restored_on=D(2024, 9, 1),
                  assets=[asset(id="A2", available_at_application=False, discovered_on=D(2024, 8, 20))])
    assert not cf.facts["restored"] and cf.facts["basis"] == "none"

KINDS = ["public_notice", "appraisal", "jurisdiction_dispute", "dispute_coordination", "stay", "suspension"]
periods_strategy = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(-30, 300), st.integers(0, 90),
                                      st.booleans()), max_size=4)


def as_periods(raw: list, start: date) -> list[dict]:
    return [{"kind": k, "start": start + timedelta(days=s), "end": None if running else start + timedelta(days=s + n)}
            for k, s, n, running in raw]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=periods_strategy, extra=periods_strategy, offset=st.integers(0, 500))
def test_an_added_excluded_period_never_makes_a_case_eligible_earlier(network: CourtNetwork, base: list, extra: list,
                                                                      offset: int) -> None:
    received = D(2024, 1, 10)
    as_of = received + timedelta(days=offset)
    before = facts_of(network, as_of=as_of, excluded_periods=as_periods(base, received))
    after = facts_of(network, as_of=as_of, excluded_periods=as_periods(base + extra, received))
    # §12.11: while a period runs the date is a projection; it never moves earlier either way
    assert (after.eligible_from or after.eligible_from_projected) >= (before.eligible_from
                                                                      or before.eligible_from_projected)
    assert after.facts["countable_days"] <= before.facts["countable_days"]
    if after.facts["period_exceeded"]:
        assert before.facts["period_exceeded"]
