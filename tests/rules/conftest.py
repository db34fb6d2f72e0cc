from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rules.compiler import compile_rulebook
from rules.engine import RuleEngine
from rules.loader import load_rulebook
from rules.plain import PlainEvaluator
from rules.spec import Rulebook
from tests.factories import make_network

RULEBOOK_DIR = "rules/rulebook"


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    from api.config import REPO_ROOT

    return load_rulebook(REPO_ROOT / RULEBOOK_DIR)


@pytest.fixture(scope="session")
def engine(rulebook: Rulebook) -> Iterator[RuleEngine]:
    eng = RuleEngine(rulebook)
    yield eng
    eng.retire()


@pytest.fixture(scope="session")
def plain(rulebook: Rulebook) -> PlainEvaluator:
    return PlainEvaluator(compile_rulebook(rulebook))


@pytest.fixture(scope="session")
def network():
    return make_network()


def base_facts(**overrides: Any) -> dict[str, Any]:
    """An open money case, 10(1), six months not yet exceeded, nothing else going on."""
    facts: dict[str, Any] = {
        "case_state": "open", "obligation": "money", "application_state": "none", "basis": "10(1)",
        "basis_kind": "clock", "period_exceeded": False, "countable_days": 100, "order_state": "none",
        "restored": False, "debtor_kind": "company", "debtor_key_local_taxpayer": False, "petition_count": 0,
        "interference_count": 0, "linked_case_count": 1, "officer_conflict": False, "amount_yuan": 500_000,
        "closing_deadline_overdue": False, "months_since_filing": 3, "oldest_undisposed_seizure_months": 0,
        "three_months_since_filing": True, "zhongben_too_early": False, "zhongben_undisposed_assets": 0,
        "zhongben_auction_tried": False, "zhongben_monitoring_lapse": False, "open_suspension_days": 0,
        "order_reading": "none", "premature_application": False, "stalled_asset_months": 0,
        "stalled_asset_no_progress": False, "zhongben_assets_without_ground": 0, "local_debtor_kind": "company",
        "local_key_taxpayer": False, "closing_extension_approved": False,
    }
    facts.update(overrides)
    return facts
