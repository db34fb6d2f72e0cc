"""One closing deadline for the art237 rulebook and the node alerts (rulebook 1.2.1).

审限规定 Art. 5 (legal-reference §6): close within six months of filing (非诉 three); the president may extend by
three months. Art. 8: the period runs from the day after filing. Art. 9 (§12.7): its periods are left out. So a
case filed 2024-01-12 is due by 2024-07-12, with an approved extension by 2024-10-12, and is overdue from the next
day: the rulebook's CLOSING_DEADLINE_OVERDUE and the alerts' closing_deadline fire on the same day, not before.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from api.config import BUILTIN_RULEBOOK_DIR
from assign.network import CourtNetwork
from rules import clock
from rules.alerts import evaluate_alerts
from rules.engine import RuleEngine
from rules.loader import load_rulebook
from tests.factories import make_case
from tests.rules.s12 import sentence, verdict

EXTENDED = {"extension_requested_on": date(2024, 7, 1), "extension_approved_on": date(2024, 7, 3)}
AUCTION = [{"kind": "auction", "start": date(2024, 3, 1), "end": date(2024, 3, 10)}]  # 10 days (Art. 9(12))


@pytest.fixture(scope="module")
def alerts_engine() -> Iterator[RuleEngine]:
    engine = RuleEngine(load_rulebook(BUILTIN_RULEBOOK_DIR, "alerts"))
    yield engine
    engine.retire()


def _both(network: CourtNetwork, engine: RuleEngine, alerts_engine: RuleEngine, as_of: date,
          **kw: Any) -> tuple[bool, bool]:
    """(the verdict flags the deadline overdue, the node alerts raise it) on `as_of`."""
    flagged = "CLOSING_DEADLINE_OVERDUE" in verdict(network, engine, as_of, **kw).flags
    alerted = any(a.node == "closing_deadline" for a in evaluate_alerts([make_case(**kw)], as_of, alerts_engine))
    return flagged, alerted


@pytest.mark.parametrize(("as_of", "overdue", "kw"), [
    (date(2024, 7, 12), False, {}),  # the last day of six months
    (date(2024, 7, 13), True, {}),
    (date(2024, 7, 13), False, {"process": EXTENDED}),  # extended: not overdue the day after the six months
    (date(2024, 10, 12), False, {"process": EXTENDED}),  # the last day of the extension
    (date(2024, 10, 13), True, {"process": EXTENDED}),
    (date(2024, 10, 22), False, {"process": EXTENDED, "other_periods": AUCTION}),  # + 10 auction days
    (date(2024, 10, 23), True, {"process": EXTENDED, "other_periods": AUCTION}),
    # an extension only requested, not approved, extends nothing
    (date(2024, 7, 13), True, {"process": {"extension_requested_on": date(2024, 7, 1)}}),
])
def test_the_rulebook_and_the_alerts_read_one_closing_deadline(network: CourtNetwork, engine: RuleEngine,
                                                               alerts_engine: RuleEngine, as_of: date,
                                                               overdue: bool, kw: dict[str, Any]) -> None:
    assert _both(network, engine, alerts_engine, as_of, **kw) == (overdue, overdue)


def test_an_approval_dated_after_the_evaluation_day_is_not_yet_a_fact() -> None:
    case = make_case(process={"extension_approved_on": date(2024, 7, 20)})
    assert not clock.extension_approved(case, date(2024, 7, 19))
    assert clock.closing_deadline(case, date(2024, 7, 19)).end == date(2024, 7, 12)
    assert clock.closing_deadline(case, date(2024, 7, 20)).end == date(2024, 10, 12)


def test_the_sentence_names_the_extension(network: CourtNetwork, engine: RuleEngine) -> None:
    extended = verdict(network, engine, date(2024, 10, 13), process=EXTENDED)
    assert "经批准延长三个月" in sentence(extended, "flag.closing_overdue_extended")
    assert "延长后的结案期限已于2024年10月12日届满" in sentence(extended, "flag.closing_overdue_extended")
    assert "flag.closing_overdue" not in [f.rule_id for f in extended.fired]
    plain = verdict(network, engine, date(2024, 7, 13))
    assert "结案期限已于2024年7月12日届满" in sentence(plain, "flag.closing_overdue")
    assert extended.rulebook_version.id == "art237@1.2.1"
