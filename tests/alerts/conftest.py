from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rules.engine import RuleEngine
from rules.loader import load_rulebook

RULEBOOK_DIR = Path(__file__).resolve().parents[2] / "rules" / "rulebook"


@pytest.fixture(scope="session")
def alerts_engine() -> Iterator[RuleEngine]:
    engine = RuleEngine(load_rulebook(RULEBOOK_DIR, "alerts"))
    yield engine
    engine.retire()
