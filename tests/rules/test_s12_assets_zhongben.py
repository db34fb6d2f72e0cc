"""§12.6 stalled assets (both limbs, net months, policy not law); §12.9 终本 with assets (终本规定 Art. 4)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assign.network import CourtNetwork
from assign.schemas import Mode, Outcome
from rules.engine import RuleEngine
from tests.rules.s12 import AFTER_E, D, asset, fired, order, period, sentence, verdict

AS_OF = D(2024, 8, 1)
SUPERVISED = [order(D(2024, 3, 1), D(2024, 4, 1))]  # a supervision (督办) order that lapsed without progress


# ---------------------------------------------------------------- §12.6


@pytest.mark.parametrize(("seized_on", "fires"), [(D(2024, 2, 1), True), (D(2024, 2, 2), False)])
def test_six_months_undisposed_and_no_progress_after_supervision(network: CourtNetwork, engine: RuleEngine,
                                                                 seized_on: date, fires: bool) -> None:
    v = verdict(network, engine, AS_OF, assets=[asset(seized_on=seized_on)], supervision_orders=SUPERVISED)
    assert ("ASSET_UNDISPOSED" in v.flags) is fires
    if fires:
        text = sentence(v, "flag.asset_undisposed")
        assert "A1（不动产，2024年2月1日查封/冻结）" in text and "6个月" in text and "期限至2024年4月1日" in text


def test_no_supervision_no_flag_and_the_order_mode_stays(network: CourtNetwork, engine: RuleEngine) -> None:
    """Policy, not law: a stalled asset alone never turns the least costly order into designation."""
    v = verdict(network, engine, AS_OF, assets=[asset(seized_on=D(2023, 6, 1))])
    assert "ASSET_UNDISPOSED" not in v.flags and v.recommended_mode == Mode.ORDER


def test_only_after_a_lapsed_order_does_it_prefer_designation(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, AS_OF, assets=[asset(seized_on=D(2024, 1, 20))], supervision_orders=SUPERVISED)
    assert v.outcome == Outcome.ELIGIBLE and "ASSET_UNDISPOSED" in v.flags
    assert "mode.stalled_asset_after_lapse" in fired(v) and v.recommended_mode == Mode.DESIGNATE


@pytest.mark.parametrize(("seized_on", "fires"), [(D(2024, 1, 22), True), (D(2024, 1, 23), False)])
def test_months_are_net_of_art_13_and_auction_periods(network: CourtNetwork, engine: RuleEngine, seized_on: date,
                                                      fires: bool) -> None:
    """审限规定 Art. 9(6), (8), (12): ten days of suspension do not count towards the six months."""
    v = verdict(network, engine, AS_OF, assets=[asset(seized_on=seized_on)], supervision_orders=SUPERVISED,
                excluded_periods=[period("suspension", D(2024, 5, 1), D(2024, 5, 10))])
    assert ("ASSET_UNDISPOSED" in v.flags) is fires


@pytest.mark.parametrize("halting", [
    {"excluded_periods": [period("suspension", D(2024, 7, 1), None)]},  # a bankruptcy or other suspension
    {"excluded_periods": [period("appraisal", D(2024, 7, 20), None)]},  # valuation under way
    {"other_periods": [period("auction", D(2024, 7, 25), None)]},  # auction under way
    {"measures": [{"kind": "auction", "on": D(2024, 5, 1), "asset_id": "A1", "result": "unsold"}]},  # auctions held
    {"measures": [{"kind": "valuation", "on": D(2024, 3, 15), "asset_id": "A1"}]},  # progress after supervision
])
def test_never_while_disposal_runs_under_suspension_or_after_auctions(network: CourtNetwork, engine: RuleEngine,
                                                                      halting: dict[str, Any]) -> None:
    v = verdict(network, engine, AS_OF, assets=[asset(seized_on=D(2023, 6, 1))], supervision_orders=SUPERVISED,
                **halting)
    assert "ASSET_UNDISPOSED" not in v.flags


def test_a_step_on_another_asset_is_no_progress_on_this_one(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, AS_OF, assets=[asset(seized_on=D(2023, 6, 1)), asset("A2", seized_on=D(2023, 6, 1))],
                supervision_orders=SUPERVISED, measures=[{"kind": "valuation", "on": D(2024, 3, 15), "asset_id": "A2"}])
    assert "ASSET_UNDISPOSED" in v.flags and "A1" in sentence(v, "flag.asset_undisposed")


# ---------------------------------------------------------------- §12.9


def zhongben_case(kind: str, measures: list[dict[str, Any]]) -> dict[str, Any]:
    return {"status": "zhongben", "assets": [asset(kind=kind, seized_on=D(2024, 1, 20))], "measures": measures,
            "zhongben": {"ruled_on": D(2024, 6, 1), "asset_queries": [], "undisposed_asset_ids": ["A1"]}}


def rounds(n: int, result: str | None = "unsold", sale: str | None = None, seize: bool = True) -> list[dict]:
    out = [{"kind": "seize", "on": D(2024, 1, 20), "asset_id": "A1"}] if seize else []
    out += [{"kind": "auction", "on": D(2024, 3, 1 + 10 * i), "asset_id": "A1", "result": result} for i in range(n)]
    if sale is not None:
        out.append({"kind": "sale", "on": D(2024, 5, 1), "asset_id": "A1", "result": sale})
    return out


@pytest.mark.parametrize(("kind", "measures", "improper"), [
    ("real_estate", rounds(1), True),  # one failed round is not "经法定程序拍卖、变卖未成交"
    ("real_estate", rounds(2), True),  # immovables go on to 变卖 (网络司法拍卖规定 Arts. 26-27)
    ("real_estate", rounds(2, sale="unsold"), False),  # the whole sequence failed
    ("real_estate", rounds(2, result=None, sale=None) + [{"kind": "sale", "on": D(2024, 5, 1)}], False),
    ("real_estate", rounds(2, result="withdrawn", sale="unsold"), True),  # withdrawn rounds did not fail
    ("equity", rounds(2, sale="unsold"), False),
    ("vehicle", rounds(1), True),
    ("vehicle", rounds(2), False),  # a movable: two failed rounds
    ("vehicle", rounds(0, seize=False), False),  # seized on the register, never in custody (Art. 4(2))
    ("deposit", rounds(2), True),  # a frozen deposit is paid out, never "cannot be disposed of"
])
def test_improper_zhongben_needs_the_whole_sequence(network: CourtNetwork, engine: RuleEngine, kind: str,
                                                    measures: list[dict], improper: bool) -> None:
    v = verdict(network, engine, D(2024, 7, 1), **zhongben_case(kind, measures))
    assert v.outcome == Outcome.NOT_ELIGIBLE
    assert ("IMPROPER_ZHONGBEN_ASSET_NOT_DISPOSED" in v.flags) is improper
    if improper:
        assert "A1" in sentence(v, "flag.zhongben_asset_not_disposed")


def test_rounds_after_the_ruling_do_not_make_it_proper(network: CourtNetwork, engine: RuleEngine) -> None:
    late = [{"kind": "auction", "on": D(2024, 6, 2 + i), "asset_id": "A1", "result": "unsold"} for i in range(2)]
    v = verdict(network, engine, D(2024, 7, 1), **zhongben_case("vehicle", rounds(0) + late))
    assert "IMPROPER_ZHONGBEN_ASSET_NOT_DISPOSED" in v.flags


def test_a_zhongben_case_carries_no_art_237_clock_dates(network: CourtNetwork, engine: RuleEngine) -> None:
    """§12.11: 终本 closes this round; no clock start, first eligible day or day count is shown."""
    v = verdict(network, engine, AFTER_E, **zhongben_case("vehicle", rounds(2)))
    assert (v.clock_start, v.eligible_from, v.countable_days, v.eligible_from_projected) == (None, None, None, None)


def test_a_measure_naming_an_unknown_asset_is_refused_at_validation() -> None:
    from pydantic import ValidationError

    from tests.factories import make_case

    with pytest.raises(ValidationError, match=r"measures\[0\].asset_id names unknown asset 'A9'"):
        make_case(measures=[{"kind": "auction", "on": D(2024, 3, 1), "asset_id": "A9"}])
