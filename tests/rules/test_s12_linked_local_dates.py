"""§12.8 unfinished linked cases; §12.10 local protection needs locality; §12.11 dates that are not yet facts;
and total date arithmetic (issue 15 fault 1): nothing in rules/ raises near 9999-12-31."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assign.network import CourtNetwork
from assign.schemas import Case, CaseStatus, Mode, Outcome, Period, PeriodKind
from rules import clock
from rules.alert_facts import read_nodes
from rules.engine import RuleEngine
from rules.evaluate import evaluate_cases
from rules.facts import BatchContext, build_facts
from tests.factories import make_case
from tests.rules.s12 import AFTER_E, D, asset, period, sentence, verdict

AS_OF = D(2024, 8, 1)
DEBTOR = "91510104MA6C000001"  # make_case()'s debtor
SOE_ELSEWHERE = {"id": "91440300MA5D000002", "name": "某国有公司", "kind": "state_owned", "domicile_division": "440300"}


# ---------------------------------------------------------------- §12.8


def debtor_cases(statuses: list[str]) -> list[Case]:
    return [make_case(f"(2024)川0104执{100 + i}号", status=s) for i, s in enumerate(statuses)]


@pytest.mark.parametrize(("others", "fires"), [
    (["open"] * 9, True),  # ten unfinished cases of the debtor with this one
    (["open"] * 5 + ["zhongben"] * 4, True),  # 终本 cases are unfinished (未实结)
    (["open"] * 8 + ["concluded"], False),  # a concluded case does not count
    (["open"] * 8 + ["terminated"], False),
])
def test_only_unfinished_cases_count_towards_concentration(network: CourtNetwork, engine: RuleEngine,
                                                           others: list[str], fires: bool) -> None:
    cases = [make_case(), *debtor_cases(others)]
    v = evaluate_cases(cases, network, AS_OF, engine)[0]
    assert ("RELATED_CASES_CONCENTRATION" in v.flags) is fires


def test_a_linked_number_known_to_be_concluded_is_not_counted(network: CourtNetwork, engine: RuleEngine) -> None:
    others = debtor_cases(["concluded"] * 9)
    linked = make_case(related_case_nos=[c.case_no for c in others])
    v = evaluate_cases([linked, *others], network, AS_OF, engine)[0]
    assert "RELATED_CASES_CONCENTRATION" not in v.flags
    alone = verdict(network, engine, AS_OF, related_case_nos=[c.case_no for c in others])  # status unknown: counted
    assert "RELATED_CASES_CONCENTRATION" in alone.flags and "10件未实结" in sentence(alone, "flag.related_cases")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statuses=st.lists(st.sampled_from([s.value for s in CaseStatus]), min_size=0, max_size=14),
       added=st.sampled_from(["open", "zhongben"]))
def test_adding_an_unfinished_linked_case_never_removes_the_flag(network: CourtNetwork, engine: RuleEngine,
                                                                statuses: list[str], added: str) -> None:
    before = [make_case(), *debtor_cases(statuses)]
    after = [*before, make_case("(2024)川0104执999号", status=added)]
    flag_before = "RELATED_CASES_CONCENTRATION" in evaluate_cases(before, network, AS_OF, engine)[0].flags
    flag_after = "RELATED_CASES_CONCENTRATION" in evaluate_cases(after, network, AS_OF, engine)[0].flags
    assert flag_after or not flag_before
    assert BatchContext.from_cases(after).debtor_open_cases[DEBTOR] == 1 + BatchContext.from_cases(
        before).debtor_open_cases[DEBTOR]


# ---------------------------------------------------------------- §12.10


AWAY = [asset(location_division="440300")]  # its assets where it lives


@pytest.mark.parametrize(("debtor", "assets", "local"), [
    (SOE_ELSEWHERE, AWAY, False),  # a state-owned debtor from another province: no signal for this court
    ({**SOE_ELSEWHERE, "domicile_division": "510104"}, AWAY, True),  # domicile in the court's area
    (SOE_ELSEWHERE, [asset(value="500"), asset("A2", value="500", location_division="440300")], True),  # half
    (SOE_ELSEWHERE, [asset(value="499"), asset("A2", value="501", location_division="440300")], False),
    ({**SOE_ELSEWHERE, "domicile_division": "510105"}, AWAY, False),  # the next county: not this court's area
])
def test_debtor_kind_signals_only_a_local_debtor(network: CourtNetwork, engine: RuleEngine, debtor: dict,
                                                 assets: list, local: bool) -> None:
    v = verdict(network, engine, AS_OF, debtor=debtor, assets=assets)
    assert ("LOCAL_PROTECTION_RISK" in v.flags) is local
    assert (v.recommended_mode == Mode.DESIGNATE) is local
    if local:
        assert "国有企业" in sentence(v, "flag.local_protection")


def test_an_intermediate_courts_area_is_its_prefecture(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, AS_OF, court_code="I510100", debtor={**SOE_ELSEWHERE, "domicile_division": "510112"},
                assets=AWAY)
    assert "LOCAL_PROTECTION_RISK" in v.flags


# ---------------------------------------------------------------- §12.11


def test_while_a_suspension_runs_the_first_eligible_day_is_only_a_projection(network: CourtNetwork,
                                                                              engine: RuleEngine) -> None:
    running = verdict(network, engine, AS_OF, excluded_periods=[period("suspension", D(2024, 7, 1), None)])
    assert running.outcome == Outcome.NOT_YET and running.eligible_from is None
    assert running.eligible_from_projected == D(2024, 8, 12)
    assert "若中止执行于今日结束，为2024年8月12日" in sentence(running, "outcome.not_yet")
    ended = verdict(network, engine, AS_OF, excluded_periods=[period("suspension", D(2024, 7, 1), AS_OF)])
    assert ended.eligible_from == D(2024, 8, 12) and ended.eligible_from_projected is None


def test_a_suspension_after_the_six_months_leaves_the_date_a_fact(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, AS_OF, excluded_periods=[period("suspension", D(2024, 7, 20), None)])
    assert v.outcome == Outcome.ELIGIBLE and v.eligible_from == AFTER_E


# ---------------------------------------------------------------- total date arithmetic


def far(case: Case, days: int) -> Case:
    """The same case moved `days` forward (model_copy: past the interchange's date bounds on purpose)."""
    def mv(d: date | None) -> date | None:
        return (clock.add_days(d, days) or date.max) if d is not None else None  # saturate at 9999-12-31
    assets = [a.model_copy(update={"seized_on": mv(a.seized_on), "discovered_on": mv(a.discovered_on)})
              for a in case.assets]
    measures = [m.model_copy(update={"on": mv(m.on)}) for m in case.measures]
    periods = [p.model_copy(update={"start": mv(p.start), "end": mv(p.end)}) for p in case.excluded_periods]
    orders = [o.model_copy(update={"issued_on": mv(o.issued_on), "deadline": mv(o.deadline)})
              for o in case.supervision_orders]
    zb = case.zhongben.model_copy(update={"ruled_on": mv(case.zhongben.ruled_on)}) if case.zhongben else None
    application = case.application.model_copy(update={"on": mv(case.application.on)}) if case.application else None
    return case.model_copy(update={"received_on": mv(case.received_on), "filed_on": mv(case.filed_on),
                                   "assets": assets, "measures": measures, "excluded_periods": periods,
                                   "supervision_orders": orders, "zhongben": zb, "application": application})


@settings(max_examples=200, deadline=None)
@given(start=st.dates(), months=st.integers(0, 120), as_of=st.dates(),
       gap=st.tuples(st.dates(), st.integers(0, 400)))
def test_the_clocks_never_raise_over_the_full_date_range(start: date, months: int, as_of: date,
                                                         gap: tuple[date, int]) -> None:
    end = clock.add_days(gap[0], gap[1]) or date.max
    periods = [Period.model_construct(kind=PeriodKind.SUSPENSION, start=gap[0], end=end)]  # past the format's bounds
    reading = clock.read_clock(start, months, clock.excluded_intervals(periods, clock.ART237_EXCLUDED_KINDS, as_of),
                               as_of)
    assert (reading.end is None) == (reading.end_ordinal > date.max.toordinal())
    assert reading.exceeded_from is None or reading.exceeded_on(reading.exceeded_from)
    clock.closing_clock(start, False, periods, as_of)
    clock.whole_months_between(start, as_of)
    clock.three_months_passed(start, as_of)
    clock.monitoring_lapse(start, [as_of], as_of)
    assert clock.add_months(start, months) is None or clock.add_months(start, months) >= start


FAR_CASES = [
    make_case(excluded_periods=[period("suspension", D(2024, 3, 1), None)], assets=[asset(seized_on=D(2024, 1, 20))],
              supervision_orders=[{"issued_by": "I510100", "issued_on": D(2024, 3, 1), "deadline": D(2024, 4, 1)}]),
    make_case(obligation="behaviour", assets=[], application={"filed_with": "I510100", "on": D(2024, 2, 1)},
              measures=[{"kind": "eviction_notice", "on": D(2024, 2, 1)}]),
    make_case(status="zhongben", assets=[asset(seized_on=D(2024, 1, 20))],
              zhongben={"ruled_on": D(2024, 3, 1), "asset_queries": [], "undisposed_asset_ids": ["A1"]}),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shift=st.integers(0, (D(9999, 12, 31) - D(2024, 8, 1)).days), which=st.sampled_from(range(len(FAR_CASES))))
@example(shift=(D(9999, 11, 30) - D(2024, 1, 10)).days, which=0)  # received_on 9999-11-30 (issue 15)
@example(shift=(D(9999, 12, 31) - D(2024, 8, 1)).days, which=1)
@example(shift=(D(9999, 12, 31) - D(2024, 8, 1)).days, which=2)
def test_a_case_near_9999_12_31_is_evaluated_not_raised(network: CourtNetwork, engine: RuleEngine, shift: int,
                                                        which: int) -> None:
    """Issue 15 fault 1: every clock, order, act, stalled-asset, 终本 and alert reading stays total."""
    case = far(FAR_CASES[which], shift)
    as_of = clock.add_days(D(2024, 8, 1), shift) or date.max
    cf = build_facts(case, network, as_of)
    assert cf.facts["case_state"] != "open" or not cf.facts["period_exceeded"] or cf.eligible_from is not None
    v = evaluate_cases([case], network, as_of, engine)[0]
    assert all(f.explanation_zh for f in v.fired)
    read_nodes(case, as_of)


def test_received_on_9999_11_30_gives_beyond_range_dates() -> None:
    reading = clock.art237_clock(D(9999, 11, 30), [], D(9999, 12, 31))
    assert reading.end is None and reading.exceeded_from is None and not reading.exceeded_on(D(9999, 12, 31))
    assert reading.counted_days == 31 and clock.earliest_after_months(D(9999, 11, 30), 3) is None
