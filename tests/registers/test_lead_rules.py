"""Restoration-lead classification, from the text: 终本规定 Art. 9 (assets found after 终本 -> restore),
interpretation Art. 10(2) (a discovery on an open case), and the action-window CONVENTION."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from assign.leads import LeadCase, LeadState
from assign.registers import RegisterKind, RegisterRecord
from rules.facts import forum_of
from rules.leads import LeadBasis, classify_lead, forum, lead_basis
from tests.factories import make_case, make_network

DEBTOR = "91510104MA6C000001"
RULED = date(2024, 6, 30)
AS_OF = date(2025, 1, 10)


def zhongben_case(**overrides: Any) -> LeadCase:
    return LeadCase.of(make_case(status="zhongben", zhongben={"ruled_on": RULED}, **overrides))


def record(registered_on: date, released_on: date | None = None, record_id: str = "V1") -> RegisterRecord:
    return RegisterRecord(record_id=record_id, party_id=DEBTOR, asset_kind=RegisterKind.VEHICLE,
                          registered_on=registered_on, released_on=released_on, registry="交管局")


@pytest.mark.parametrize(("registered", "released", "expected"), [
    (RULED + timedelta(days=1), None, LeadBasis.REGISTERED_AFTER_RULING),
    (RULED + timedelta(days=1), RULED + timedelta(days=5), LeadBasis.REGISTERED_AFTER_RULING),
    (RULED, None, LeadBasis.HELD_AT_RULING),  # registered the day of the ruling: held at it
    (RULED - timedelta(days=1), None, LeadBasis.HELD_AT_RULING),
    (RULED - timedelta(days=1), RULED + timedelta(days=1), LeadBasis.HELD_AT_RULING),
    (RULED - timedelta(days=1), RULED, None),  # released by the ruling date
    (RULED - timedelta(days=1), RULED - timedelta(days=1), None),
])
def test_zhongben_lead_around_the_ruling_day(registered: date, released: date | None,
                                            expected: LeadBasis | None) -> None:
    assert lead_basis(zhongben_case(), record(registered, released), AS_OF) == expected


def test_an_asset_already_recorded_on_the_case_or_of_another_party_is_no_lead() -> None:
    recorded = zhongben_case(assets=[{"id": "V1", "kind": "vehicle", "value": "1", "available_at_application": False}])
    assert lead_basis(recorded, record(RULED + timedelta(days=1)), AS_OF) is None
    other = RegisterRecord(record_id="V2", party_id="X1", asset_kind=RegisterKind.VEHICLE,
                           registered_on=RULED + timedelta(days=1), registry="交管局")
    assert lead_basis(zhongben_case(), other, AS_OF) is None


def test_open_case_new_asset_lead_only_while_held_on_the_evaluation_day() -> None:
    case = LeadCase.of(make_case())
    assert lead_basis(case, record(date(2024, 3, 1)), AS_OF) == LeadBasis.HELD_UNRECORDED
    assert lead_basis(case, record(date(2024, 3, 1), AS_OF), AS_OF) is None  # released that day
    assert lead_basis(case, record(date(2024, 3, 1), AS_OF + timedelta(days=1)), AS_OF) == LeadBasis.HELD_UNRECORDED
    lead = classify_lead(case, record(date(2024, 3, 1)), as_of=AS_OF, first_seen_on=None, action_days=30,
                         network=make_network())
    assert lead is not None and lead.kind == "new_asset" and "第10条第2项" in lead.legal_basis


@pytest.mark.parametrize(("days_after_first_seen", "state"), [
    (30, LeadState.AWAITING_ACTION),  # the last day to act
    (29, LeadState.AWAITING_ACTION),
    (31, LeadState.CROSS_ENFORCEMENT_CANDIDATE),
])
def test_action_window_boundary(days_after_first_seen: int, state: LeadState) -> None:
    seen = date(2024, 9, 1)
    lead = classify_lead(zhongben_case(), record(RULED + timedelta(days=1)), first_seen_on=seen, action_days=30,
                         as_of=seen + timedelta(days=days_after_first_seen), network=make_network())
    assert lead is not None and lead.state == state and lead.act_by == seen + timedelta(days=30)
    assert lead.forum == "I510100" and lead.kind == "restoration" and lead.ruled_on == RULED


def test_restoration_or_a_measure_since_first_seen_counts_as_acting() -> None:
    seen = date(2024, 9, 1)
    late = seen + timedelta(days=60)
    for overrides in ({"restored_on": seen}, {"measures": [{"kind": "freeze", "on": seen + timedelta(days=40)}]}):
        lead = classify_lead(zhongben_case(**overrides), record(RULED + timedelta(days=1)), first_seen_on=seen,
                             action_days=30, as_of=late, network=make_network())
        assert lead is not None and lead.state == LeadState.ACTED_ON
    before = zhongben_case(measures=[{"kind": "freeze", "on": seen - timedelta(days=1)}])
    lead = classify_lead(before, record(RULED + timedelta(days=1)), first_seen_on=seen, action_days=30, as_of=late,
                         network=make_network())
    assert lead is not None and lead.state == LeadState.CROSS_ENFORCEMENT_CANDIDATE


def test_the_forum_is_forum_of_the_case_entrusted_or_not() -> None:
    network = make_network()
    for case in (make_case(), make_case(entrusted={"to_court": "B510703", "filed_on": "2024-02-01"})):
        assert forum(LeadCase.of(case), network) == forum_of(case, network)
    assert forum(LeadCase.of(make_case(entrusted={"to_court": "B510703", "filed_on": "2024-02-01"})),
                 network) == "I510700"
