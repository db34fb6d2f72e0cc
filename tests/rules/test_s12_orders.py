"""§12.1-12.3: which 督促执行令 binds under Interp. Art. 12, good reasons on the record, a lapse stays a lapse.

Interp. Art. 12 binds an order issued "依照民事诉讼法第二百二十六条规定" (when the six months were
exceeded, or on the applicant's Art. 237 application); a deadline the higher court set of its own motion
before that is supervision (督办): its lapse allows supervision, never mandates a transfer.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assign.network import CourtNetwork
from assign.schemas import Outcome
from rules.engine import RuleEngine
from tests.rules.s12 import AFTER_E, D, E, order, period, sentence, verdict

AS_OF = D(2024, 9, 1)


# ---------------------------------------------------------------- §12.1 which orders trigger Art. 12


@pytest.mark.parametrize(("issued_on", "outcome"), [
    (E, Outcome.ELIGIBLE),  # the six months not yet exceeded on the issue day: supervision, may only supervise
    (AFTER_E, Outcome.MANDATORY_TRANSFER),  # issued under Art. 237: Art. 12 binds ("应当")
])
def test_only_an_order_issued_after_six_months_binds_under_art_12(network: CourtNetwork, engine: RuleEngine,
                                                                  issued_on: date, outcome: Outcome) -> None:
    v = verdict(network, engine, AS_OF, supervision_orders=[order(issued_on, D(2024, 8, 1))])
    assert v.outcome == outcome
    if outcome == Outcome.ELIGIBLE:  # the lapse of a supervision order is a ground for (more) supervision
        assert "依职权督办" in sentence(v, "flag.supervision_possible")


def test_a_supervision_order_lapsing_before_six_months_is_not_yet_and_says_which_order_it_read(
        network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, D(2024, 5, 1), supervision_orders=[order(D(2024, 3, 1), D(2024, 4, 1))])
    assert v.outcome == Outcome.NOT_YET and "SUPERVISION_POSSIBLE" in v.flags
    text = sentence(v, "outcome.not_yet")
    assert "2024年3月1日发出的督促执行令（期限至2024年4月1日）" in text and "依职权督办" in text


@pytest.mark.parametrize(("applied_on", "outcome"), [
    (D(2024, 3, 1), Outcome.MANDATORY_TRANSFER),  # on the application (even a premature one): Art. 237 order
    (D(2024, 3, 2), Outcome.ELIGIBLE),  # the application came after the order: the order was supervision
])
def test_an_order_on_an_application_binds_even_before_six_months(network: CourtNetwork, engine: RuleEngine,
                                                                 applied_on: date, outcome: Outcome) -> None:
    v = verdict(network, engine, AS_OF, supervision_orders=[order(D(2024, 3, 1), D(2024, 4, 1))],
                application={"filed_with": "I510100", "on": applied_on})
    assert v.outcome == outcome
    if outcome == Outcome.MANDATORY_TRANSFER:
        assert "根据申请执行人的申请" in sentence(v, "outcome.mandatory_transfer")


# ---------------------------------------------------------------- §12.2 good reasons on the record


@pytest.mark.parametrize("kind", ["stay", "suspension", "public_notice", "appraisal", "jurisdiction_dispute",
                                  "dispute_coordination"])
def test_any_art_13_period_in_the_orders_term_is_a_good_reason(network: CourtNetwork, engine: RuleEngine,
                                                               kind: str) -> None:
    v = verdict(network, engine, AS_OF, supervision_orders=[order(AFTER_E, D(2024, 8, 1))],
                excluded_periods=[period(kind, D(2024, 7, 20), D(2024, 7, 25))])
    assert v.outcome == Outcome.ELIGIBLE and "SUSPENDED_REVIEW" in v.flags
    assert "2024年7月20日至2024年7月25日" in sentence(v, "flag.order_term_suspended")


# Orders on an application (Art. 237 orders whatever the clock), issued 2024-07-11, deadline 2024-08-01.
@pytest.mark.parametrize(("start", "end", "excused"), [
    (D(2024, 7, 1), AFTER_E, True),  # ends on the issue day: it ran during the term
    (D(2024, 7, 1), E, False),  # ends the day before the order: not in the term
    (D(2024, 8, 1), D(2024, 8, 5), True),  # starts on the deadline
    (D(2024, 8, 2), D(2024, 8, 5), False),  # starts the day after the deadline
])
def test_the_period_must_overlap_the_orders_term(network: CourtNetwork, engine: RuleEngine, start: date, end: date,
                                                 excused: bool) -> None:
    v = verdict(network, engine, AS_OF, supervision_orders=[order(AFTER_E, D(2024, 8, 1))],
                application={"filed_with": "I510100", "on": D(2024, 3, 1)},
                excluded_periods=[period("suspension", start, end)])
    assert (v.outcome == Outcome.MANDATORY_TRANSFER) is not excused


def test_an_objection_to_an_enforcement_act_is_no_good_reason(network: CourtNetwork, engine: RuleEngine) -> None:
    """Interp. Art. 9: objection review does not stop enforcement."""
    v = verdict(network, engine, AS_OF, supervision_orders=[order(AFTER_E, D(2024, 8, 1))],
                other_periods=[period("objection_review", D(2024, 7, 15), D(2024, 7, 30))])
    assert v.outcome == Outcome.MANDATORY_TRANSFER


def test_a_good_reason_text_still_counts_and_is_quoted(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, AS_OF, supervision_orders=[order(AFTER_E, D(2024, 8, 1), "被执行人申请破产审查中")])
    assert v.outcome == Outcome.ELIGIBLE and "被执行人申请破产审查中" in sentence(v, "outcome.eligible")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(issue=st.integers(0, 120), term=st.integers(0, 60), start=st.integers(-30, 180), length=st.integers(0, 60),
       running=st.booleans(), kind=st.sampled_from(["stay", "suspension", "appraisal", "public_notice"]),
       after=st.integers(1, 90))
def test_a_period_overlapping_the_term_never_gives_mandatory_transfer(
        network: CourtNetwork, engine: RuleEngine, issue: int, term: int, start: int, length: int, running: bool,
        kind: str, after: int) -> None:
    issued = AFTER_E + timedelta(days=issue)
    deadline = issued + timedelta(days=term)
    p_start = issued + timedelta(days=start)
    p_end = None if running else p_start + timedelta(days=length)
    if p_start > deadline or (p_end is not None and p_end < issued):
        return  # not overlapping: outside the property
    as_of = max(deadline, p_start) + timedelta(days=after)
    # on an application, so every order is an Art. 237 order: without the period each would be Art. 12
    v = verdict(network, engine, as_of, supervision_orders=[order(issued, deadline)],
                application={"filed_with": "I510100", "on": D(2024, 3, 1)},
                excluded_periods=[period(kind, p_start, p_end)])
    assert v.outcome != Outcome.MANDATORY_TRANSFER and "SUSPENDED_REVIEW" in v.flags
    without = verdict(network, engine, as_of, supervision_orders=[order(issued, deadline)],
                      application={"filed_with": "I510100", "on": D(2024, 3, 1)})
    assert without.outcome == Outcome.MANDATORY_TRANSFER


# ---------------------------------------------------------------- §12.3 a lapse is not undone


@pytest.mark.parametrize(("second_issued", "outcome"), [
    (D(2024, 8, 1), Outcome.WAIT),  # issued within the first order's term: it replaced it, no lapse
    (D(2024, 8, 2), Outcome.MANDATORY_TRANSFER),  # issued after the lapse: the lapse stands
])
def test_a_later_order_does_not_undo_a_lapse(network: CourtNetwork, engine: RuleEngine, second_issued: date,
                                            outcome: Outcome) -> None:
    orders = [order(AFTER_E, D(2024, 8, 1)), order(second_issued, D(2024, 9, 30))]
    v = verdict(network, engine, D(2024, 8, 20), supervision_orders=orders)
    assert v.outcome == outcome
    if outcome == Outcome.MANDATORY_TRANSFER:
        text = sentence(v, "outcome.mandatory_transfer")
        assert "期限至2024年8月1日" in text and "其后" in text and "期限至2024年9月30日" in text
