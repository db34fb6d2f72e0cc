"""Fire / no-fire table for every rule of art237.yml, at its boundaries, on the engine and in plain Python."""

from __future__ import annotations

from typing import Any

import pytest

from rules.engine import RuleEngine
from rules.facts import check_fact_types
from rules.plain import PlainEvaluator
from rules.spec import Rulebook
from tests.rules.conftest import base_facts

# (rule id, facts overrides, fires?) — every rule appears with at least one True and one False row.
TABLE: list[tuple[str, dict[str, Any], bool]] = [
    ("outcome.closed", {"case_state": "closed"}, True),
    ("outcome.closed", {"case_state": "zhongben"}, False),
    ("outcome.route_to_forum", {"application_state": "wrong_court"}, True),
    ("outcome.route_to_forum", {"application_state": "wrong_court", "case_state": "closed"}, False),
    ("outcome.route_to_forum", {"application_state": "at_forum"}, False),
    ("outcome.zhongben", {"case_state": "zhongben"}, True),
    ("outcome.zhongben", {"case_state": "zhongben", "application_state": "wrong_court"}, False),
    ("outcome.enforced_after_order", {"basis_kind": "enforced", "order_reading": "running"}, True),
    ("outcome.enforced_after_order", {"basis_kind": "enforced", "order_reading": "supervision_lapsed"}, True),
    ("outcome.enforced_after_order", {"basis_kind": "enforced", "order_reading": "none"}, False),
    ("outcome.enforced", {"basis_kind": "enforced"}, True),
    ("outcome.enforced", {"basis_kind": "enforced", "order_reading": "lapsed"}, False),
    ("outcome.no_basis", {"basis_kind": "none", "basis": "none"}, True),
    ("outcome.no_basis", {"basis_kind": "clock"}, False),
    ("outcome.manual_review", {"basis_kind": "manual", "basis": "10(4)"}, True),
    ("outcome.manual_review", {"basis_kind": "manual", "case_state": "closed"}, False),
    ("outcome.wait_order", {"order_reading": "running"}, True),
    ("outcome.wait_order", {"order_reading": "running", "basis_kind": "none"}, False),
    # §12.1-12.3: only a lapsed Art. 237 order (no good reason, no Art. 13 period in its term) is Art. 12
    ("outcome.mandatory_transfer", {"order_reading": "lapsed"}, True),
    ("outcome.mandatory_transfer", {"order_reading": "lapsed", "period_exceeded": True}, True),
    ("outcome.mandatory_transfer", {"order_reading": "excused_reason", "period_exceeded": True}, False),
    ("outcome.mandatory_transfer", {"order_reading": "excused_period", "period_exceeded": True}, False),
    ("outcome.mandatory_transfer", {"order_reading": "supervision_lapsed", "period_exceeded": True}, False),
    ("outcome.not_yet", {"period_exceeded": False}, True),
    ("outcome.not_yet", {"period_exceeded": False, "order_reading": "supervision_lapsed"}, True),
    ("outcome.not_yet", {"period_exceeded": True}, False),
    ("outcome.eligible", {"period_exceeded": True}, True),
    ("outcome.eligible", {"period_exceeded": True, "order_reading": "excused_reason"}, True),
    ("outcome.eligible", {"period_exceeded": True, "order_reading": "excused_period"}, True),
    ("outcome.eligible", {"period_exceeded": True, "order_reading": "supervision_lapsed"}, True),
    ("outcome.eligible", {"period_exceeded": True, "application_state": "at_forum"}, True),
    ("outcome.eligible", {"period_exceeded": False}, False),
    # §12.10: kind signals only for a debtor local to the enforcing court
    ("flag.local_protection", {"local_debtor_kind": "government"}, True),
    ("flag.local_protection", {"local_debtor_kind": "state_owned"}, True),
    ("flag.local_protection", {"local_debtor_kind": "public_institution"}, True),
    ("flag.local_protection", {"local_key_taxpayer": True}, True),
    ("flag.local_protection", {"local_debtor_kind": "not_local", "debtor_kind": "state_owned"}, False),
    ("flag.local_protection", {"local_debtor_kind": "not_local", "debtor_key_local_taxpayer": True}, False),
    ("flag.local_protection", {"local_debtor_kind": "person"}, False),
    ("flag.local_protection", {"local_debtor_kind": "government", "case_state": "closed"}, False),
    ("flag.interference", {"interference_count": 1}, True),
    ("flag.interference", {"interference_count": 0}, False),
    ("flag.petitions", {"petition_count": 1}, True),
    ("flag.petitions", {"petition_count": 0}, False),
    ("mode.escalate_large_amount", {"amount_yuan": 10_000_000, "petition_count": 1}, True),
    ("mode.escalate_large_amount", {"amount_yuan": 10_000_000, "local_debtor_kind": "government"}, True),
    ("mode.escalate_large_amount", {"amount_yuan": 10_000_000, "local_debtor_kind": "not_local",
                                    "debtor_kind": "government"}, False),
    ("mode.escalate_large_amount", {"amount_yuan": 9_999_999, "petition_count": 1}, False),
    ("mode.escalate_large_amount", {"amount_yuan": 50_000_000}, False),  # amount alone: least cost stays
    ("flag.related_cases", {"linked_case_count": 10}, True),
    ("flag.related_cases", {"linked_case_count": 9}, False),
    ("flag.recusal", {"officer_conflict": True}, True),
    ("flag.recusal", {"officer_conflict": True, "case_state": "closed"}, False),
    # §12.6: both limbs (six net months and no progress after supervision); policy, no mode of its own
    ("flag.asset_undisposed", {"stalled_asset_months": 6, "stalled_asset_no_progress": True}, True),
    ("flag.asset_undisposed", {"stalled_asset_months": 5, "stalled_asset_no_progress": True}, False),
    ("flag.asset_undisposed", {"stalled_asset_months": 24, "stalled_asset_no_progress": False}, False),
    ("flag.asset_undisposed", {"oldest_undisposed_seizure_months": 24}, False),
    ("mode.stalled_asset_after_lapse",
     {"stalled_asset_months": 6, "stalled_asset_no_progress": True, "order_reading": "lapsed"}, True),
    ("mode.stalled_asset_after_lapse",
     {"stalled_asset_months": 6, "stalled_asset_no_progress": True, "order_reading": "supervision_lapsed",
      "period_exceeded": True}, True),
    ("mode.stalled_asset_after_lapse",
     {"stalled_asset_months": 6, "stalled_asset_no_progress": True, "order_reading": "excused_reason"}, False),
    ("mode.stalled_asset_after_lapse",
     {"stalled_asset_months": 5, "stalled_asset_no_progress": True, "order_reading": "lapsed"}, False),
    ("flag.closing_overdue", {"closing_deadline_overdue": True}, True),
    ("flag.closing_overdue", {"closing_deadline_overdue": False}, False),
    ("flag.closing_overdue", {"closing_deadline_overdue": True, "closing_extension_approved": True}, False),
    ("flag.closing_overdue_extended", {"closing_deadline_overdue": True, "closing_extension_approved": True}, True),
    ("flag.closing_overdue_extended", {"closing_deadline_overdue": False, "closing_extension_approved": True}, False),
    ("flag.closing_overdue_extended", {"closing_deadline_overdue": True}, False),
    # §12.4: whatever the applicant did
    ("flag.supervision_possible", {"closing_deadline_overdue": True}, True),
    ("flag.supervision_possible", {"petition_count": 2}, True),
    ("flag.supervision_possible", {"closing_deadline_overdue": True, "application_state": "at_forum"}, True),
    ("flag.supervision_possible", {"premature_application": True, "application_state": "at_forum"}, True),
    ("flag.supervision_possible", {"order_reading": "supervision_lapsed"}, True),
    ("flag.supervision_possible", {"order_reading": "excused_reason"}, False),
    ("flag.supervision_possible", {"closing_deadline_overdue": True, "case_state": "zhongben"}, False),
    ("flag.supervision_possible", {}, False),
    ("flag.consider_zhongben", {"basis_kind": "none", "basis": "none"}, True),
    ("flag.consider_zhongben", {"basis_kind": "none", "basis": "none", "three_months_since_filing": False}, False),
    ("flag.consider_zhongben", {"basis_kind": "none", "basis": "none", "obligation": "behaviour"}, False),
    ("flag.consider_zhongben", {"basis_kind": "none", "basis": "none", "obligation": "delivery"}, False),
    ("flag.zhongben_too_early", {"case_state": "zhongben", "zhongben_too_early": True}, True),
    ("flag.zhongben_too_early", {"case_state": "zhongben", "zhongben_too_early": False}, False),
    # §12.9: counted per asset without a lawful Art. 4 ground, whatever auction was tried
    ("flag.zhongben_asset_not_disposed", {"case_state": "zhongben", "zhongben_assets_without_ground": 1}, True),
    ("flag.zhongben_asset_not_disposed",
     {"case_state": "zhongben", "zhongben_assets_without_ground": 1, "zhongben_auction_tried": True}, True),
    ("flag.zhongben_asset_not_disposed",
     {"case_state": "zhongben", "zhongben_undisposed_assets": 2, "zhongben_assets_without_ground": 0}, False),
    ("flag.zhongben_monitoring", {"case_state": "zhongben", "zhongben_monitoring_lapse": True}, True),
    ("flag.zhongben_monitoring", {"case_state": "open", "zhongben_monitoring_lapse": True}, False),
    ("flag.suspension_review", {"open_suspension_days": 90}, True),
    ("flag.suspension_review", {"open_suspension_days": 89}, False),
    # §12.2
    ("flag.order_term_suspended", {"order_reading": "excused_period", "period_exceeded": True}, True),
    ("flag.order_term_suspended", {"order_reading": "excused_reason", "period_exceeded": True}, False),
    ("flag.manual_10_4", {"basis": "10(4)", "basis_kind": "manual"}, True),
    ("flag.manual_10_4", {"basis": "10(3)", "basis_kind": "manual"}, False),
    ("flag.manual_10_3_other", {"basis": "10(3)", "basis_kind": "manual", "obligation": "behaviour"}, True),
    ("flag.manual_10_3_other", {"basis": "10(3)", "basis_kind": "clock", "obligation": "behaviour"}, False),
    # §12.5: the measures found are named once the six months ran with none corresponding
    ("flag.act_measures_not_corresponding",
     {"basis": "10(3)", "basis_kind": "clock", "obligation": "behaviour", "period_exceeded": True}, True),
    ("flag.act_measures_not_corresponding",
     {"basis": "10(3)", "basis_kind": "clock", "obligation": "behaviour", "period_exceeded": False}, False),
    ("flag.cross_enforcement", {"period_exceeded": True, "months_since_filing": 9}, True),
    ("flag.cross_enforcement", {"period_exceeded": True, "months_since_filing": 8}, False),
    ("flag.cross_enforcement", {"period_exceeded": True, "interference_count": 1}, True),
    ("flag.cross_enforcement", {"period_exceeded": True, "stalled_asset_months": 6,
                                "stalled_asset_no_progress": True}, True),
    ("flag.cross_enforcement", {"period_exceeded": True, "stalled_asset_months": 6}, False),
    ("flag.cross_enforcement", {"period_exceeded": True, "local_debtor_kind": "not_local",
                                "debtor_kind": "government"}, False),
    ("flag.cross_enforcement", {"period_exceeded": False, "interference_count": 1}, False),
]


def test_every_rule_has_a_firing_and_a_non_firing_row(rulebook: Rulebook) -> None:
    fires = {rid for rid, _, f in TABLE if f}
    quiet = {rid for rid, _, f in TABLE if not f}
    ids = {r.id for r in rulebook.rules}
    assert ids == fires, ids ^ fires
    assert ids == quiet, ids ^ quiet


@pytest.mark.parametrize(("rule_id", "overrides", "fires"), TABLE,
                         ids=[f"{r}-{'fires' if f else 'quiet'}-{i}" for i, (r, _, f) in enumerate(TABLE)])
def test_rule_fires_at_its_boundary(rule_id: str, overrides: dict[str, Any], fires: bool, engine: RuleEngine,
                                    plain: PlainEvaluator) -> None:
    facts = base_facts(**overrides)
    check_fact_types("table", facts)
    engine_ids = engine.fire([facts])[0]
    assert engine_ids == plain.fired(facts)
    assert (rule_id in engine_ids) is fires
    assert sum(1 for rid in engine_ids if rid.startswith("outcome.")) == 1


def test_whole_table_in_one_chunk_matches_one_by_one(engine: RuleEngine, plain: PlainEvaluator) -> None:
    records = [base_facts(**o) for _, o, _ in TABLE] * 5
    assert engine.fire(records) == [plain.fired(r) for r in records]
