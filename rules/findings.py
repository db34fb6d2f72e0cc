"""What the record shows on the points of legal-reference §12, as typed findings.

`rules/facts.py` flattens these into engine facts; `rules/explain.py` renders the fired rules'
sentences from them. One function per point, each reading only the case (and the clock):

- `read_orders`     §12.1-12.3: which 督促执行令 counts, of which kind, lapsed or excused.
- `read_act_measures` §12.5: which measures are "相应执行措施" for an act obligation.
- `read_stalled_asset` §12.6: the seized asset left longest without disposal, net of excluded time.
- `read_zhongben_assets` §12.9: the assets left undisposed at 终本 without a lawful ground.
- `debtor_is_local` §12.10: whether the debtor lives, or keeps its main assets, in the court's area.

CONVENTION (one place for it): a measure without `asset_id` (every v1 record) is read as
concerning every asset of the case, so the record's silence never counts against the court.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from assign.network import CourtNetwork
from assign.schemas import (
    EXCLUDED_PERIOD_KINDS,
    Asset,
    AssetKind,
    Case,
    Measure,
    MeasureKind,
    MeasureResult,
    Order,
    Period,
    PeriodKind,
)
from rules import clock

# §12.5: the measures that compel an act (CPL 261-263 迁出/交付, 代履行; CPL 114, 266 fines, detention,
# 限制出境/失信; CONVENTION: 限制消费 as a CPL 266 "其他措施").
COMPELLING_ACT_MEASURES: frozenset[MeasureKind] = frozenset({
    MeasureKind.EVICTION, MeasureKind.SUBSTITUTE_PERFORMANCE, MeasureKind.FINE, MeasureKind.DETENTION,
    MeasureKind.DISHONEST_LIST, MeasureKind.CONSUMPTION_RESTRICTION,
})
# Disposal steps on an asset (审限规定 Art. 9(8), (12)).
DISPOSAL_STEPS: frozenset[MeasureKind] = frozenset({MeasureKind.VALUATION, MeasureKind.AUCTION, MeasureKind.SALE})
_SALE_STEPS = frozenset({MeasureKind.AUCTION, MeasureKind.SALE})
# §12.9: immovables and property rights go on to 变卖 after two failed rounds (网络司法拍卖规定
# Arts. 26-27); vehicles (movables) stop after two rounds; a deposit is paid out, never auctioned.
_NEEDS_SALE_AFTER_ROUNDS: frozenset[AssetKind] = frozenset(
    {AssetKind.REAL_ESTATE, AssetKind.EQUITY, AssetKind.RECEIVABLE, AssetKind.OTHER})
_STALL_EXCLUDED_KINDS: frozenset[PeriodKind] = EXCLUDED_PERIOD_KINDS | {PeriodKind.AUCTION}
_HALTING_KINDS: frozenset[PeriodKind] = frozenset(
    {PeriodKind.STAY, PeriodKind.SUSPENSION, PeriodKind.APPRAISAL, PeriodKind.AUCTION})


def measures_on(asset_id: str, measures: Sequence[Measure]) -> list[Measure]:
    """The measures acting on one asset (those naming no asset concern every asset)."""
    return [m for m in measures if m.asset_id is None or m.asset_id == asset_id]


# ---------------------------------------------------------------- §12.1-12.3 orders


class OrderReading(NamedTuple):  # built for every case: a NamedTuple, as `rules.facts.Findings`
    state: str  # none | running | lapsed | excused_reason | excused_period | supervision_lapsed
    order: Order | None = None  # the order the state is read from
    kind: str = ""  # art237_application | art237_six_months | supervision (督办, of the court's own motion)
    overlap: Period | None = None  # an Art. 13 period that ran during the order's term (§12.2)
    later: Order | None = None  # an order issued after the lapse (§12.3: it does not undo it)


def order_kind(order: Order, case: Case, clock_start: date | None) -> str:
    """§12.1: an order binds under Interp. Art. 12 only when issued under Art. 237."""
    if case.application is not None and case.application.on <= order.issued_on:
        return "art237_application"
    if clock_start is not None and clock_start < order.issued_on:
        if clock.art237_clock(clock_start, case.excluded_periods, order.issued_on).exceeded_on(order.issued_on):
            return "art237_six_months"
    return "supervision"


def _overlap(order: Order, periods: Sequence[Period]) -> Period | None:
    hits = [p for p in periods if p.start <= order.deadline and (p.end is None or p.end >= order.issued_on)]
    return min(hits, key=lambda p: p.start) if hits else None


_NO_ORDER = OrderReading("none")  # most cases: no order on record (a NamedTuple: shared)


def read_orders(case: Case, clock_start: date | None, as_of: date) -> OrderReading:
    if not case.supervision_orders:
        return _NO_ORDER
    issued = sorted((o for o in case.supervision_orders if o.issued_on <= as_of),
                    key=lambda o: (o.issued_on, o.deadline))
    if not issued:
        return OrderReading("none")
    periods = [p for p in case.excluded_periods if p.start <= as_of]
    # §12.3: an Art. 237 order that lapsed without good reason stays lapsed. CONVENTION: an order
    # replaced by another issued within its term did not lapse.
    for i, o in enumerate(issued):
        replaced = any(n.issued_on <= o.deadline for n in issued[i + 1:])
        if replaced or as_of <= o.deadline:
            continue
        kind = order_kind(o, case, clock_start)
        if kind != "supervision" and not (o.good_reason or "").strip() and _overlap(o, periods) is None:
            later = [n for n in issued[i + 1:] if n.issued_on > o.deadline]
            return OrderReading("lapsed", o, kind, later=later[-1] if later else None)
    latest = issued[-1]
    kind = order_kind(latest, case, clock_start)
    if as_of <= latest.deadline:
        return OrderReading("running", latest, kind)
    if kind == "supervision":
        return OrderReading("supervision_lapsed", latest, kind)
    overlap = _overlap(latest, periods)
    return OrderReading("excused_period" if overlap else "excused_reason", latest, kind, overlap)


# ---------------------------------------------------------------- §12.5 act obligations


@dataclass(frozen=True)
class ActMeasures:
    compelling: tuple[Measure, ...]  # 相应执行措施 taken by the end of the six months
    eviction_notices: tuple[Measure, ...]  # 公告责令迁出: corresponding, yet the act may stay undone
    unclassified: tuple[Measure, ...]  # kind `other`: cannot be told from the record
    not_corresponding: tuple[Measure, ...]  # notices, queries, freezes...: not "相应" to an act


def read_act_measures(measures: Sequence[Measure], until: date) -> ActMeasures:
    taken = [m for m in measures if m.on <= until]
    return ActMeasures(
        tuple(m for m in taken if m.kind in COMPELLING_ACT_MEASURES),
        tuple(m for m in taken if m.kind == MeasureKind.EVICTION_NOTICE),
        tuple(m for m in taken if m.kind == MeasureKind.OTHER),
        tuple(m for m in taken if m.kind not in COMPELLING_ACT_MEASURES
              and m.kind not in (MeasureKind.EVICTION_NOTICE, MeasureKind.OTHER)),
    )


# ---------------------------------------------------------------- §12.6 stalled assets


@dataclass(frozen=True)
class StalledAsset:
    asset: Asset
    months: int  # whole months since seizure, net of Art. 13, valuation and auction/sale periods
    excluded_days: int
    no_progress_after: Order | None  # an order whose deadline passed with no disposal step since


def read_stalled_asset(case: Case, as_of: date) -> StalledAsset | None:
    """The seized, undisposed asset stalled longest (one with no progress after an order first).

    None while a stay, suspension, valuation or auction/sale period runs (§12.6: never under a
    suspension; not while disposal is under way), and for assets auctioned or offered for sale.
    """
    seized = [a for a in case.assets
              if a.seized_on is not None and a.seized_on <= as_of and (a.disposed_on is None or a.disposed_on > as_of)]
    if not seized:
        return None  # most cases: nothing seized and undisposed, nothing to read
    periods = [*case.excluded_periods, *case.other_periods]
    if any(p.kind in _HALTING_KINDS and p.start <= as_of and (p.end is None or p.end >= as_of) for p in periods):
        return None
    lapsed = [o for o in case.supervision_orders if o.deadline < as_of]
    excluded = clock.excluded_intervals(periods, _STALL_EXCLUDED_KINDS, as_of)
    best: StalledAsset | None = None
    for a in seized:
        assert a.seized_on is not None  # filtered above (for the type checker)
        steps = [m for m in measures_on(a.id, case.measures) if m.on <= as_of and m.kind in DISPOSAL_STEPS]
        if any(m.kind in _SALE_STEPS for m in steps):
            continue
        reading = clock.read_clock(a.seized_on, 0, excluded, as_of)
        net_end = clock.add_days(as_of, -reading.excluded_days) or as_of
        months = clock.whole_months_between(a.seized_on, net_end)
        after = next((o for o in reversed(lapsed)
                      if o.deadline >= a.seized_on and not any(m.on >= o.issued_on for m in steps)), None)
        found = StalledAsset(a, months, reading.excluded_days, after)
        if best is None or (after is not None, months) > (best.no_progress_after is not None, best.months):
            best = found
    return best


# ---------------------------------------------------------------- §12.9 终本 with undisposed assets


@dataclass(frozen=True)
class ZhongbenAsset:
    asset: Asset
    unsold_rounds: int
    unsold_sale: bool
    ground: str  # sequence_failed | register_only | "" (no lawful ground)


def read_zhongben_assets(case: Case) -> list[ZhongbenAsset]:
    if case.zhongben is None:
        return []
    ruled = case.zhongben.ruled_on
    by_id = {a.id: a for a in case.assets}
    out: list[ZhongbenAsset] = []
    for asset_id in case.zhongben.undisposed_asset_ids:
        a = by_id[asset_id]
        acts = [m for m in measures_on(a.id, case.measures) if m.on <= ruled]
        unsold = (None, MeasureResult.UNSOLD)  # a round with no result on an undisposed asset is unsold
        rounds = sum(1 for m in acts if m.kind == MeasureKind.AUCTION and m.result in unsold)
        sale = any(m.kind == MeasureKind.SALE and m.result in unsold for m in acts)
        if a.kind == AssetKind.VEHICLE and not any(m.kind == MeasureKind.SEIZE for m in acts):
            ground = "register_only"  # 终本规定 Art. 4(2): seized on the register, never in custody
        elif a.kind != AssetKind.DEPOSIT and rounds >= 2 and (sale or a.kind not in _NEEDS_SALE_AFTER_ROUNDS):
            ground = "sequence_failed"  # Art. 4(1): 一拍、二拍 (and 变卖) without sale
        else:
            ground = ""
        out.append(ZhongbenAsset(a, rounds, sale, ground))
    return out


# ---------------------------------------------------------------- §12.10 locality


@functools.lru_cache(maxsize=4096)  # pure; one entry per court's division
def area_prefix(division_code: str) -> str:
    """The division prefix a court's area covers: 510104 -> 510104, 510100 -> 5101, 510000 -> 51."""
    code = division_code
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


@functools.lru_cache(maxsize=4096)  # pure (a network is immutable); one entry per court of the networks in use
def court_area(network: CourtNetwork, court: str) -> str:
    """The division prefix of `court`'s area (`area_prefix`)."""
    return area_prefix(network.get(court).division_code)


def enforcing_court(case: Case) -> str:
    return case.entrusted.to_court if case.entrusted else case.court_code


def debtor_is_local(case: Case, network: CourtNetwork, court: str | None = None) -> bool:
    """§12.10: the debtor's domicile, or at least half its assets by value, lie in the court's area
    (`court`: the case's `enforcing_court`, when the caller has it already).

    CONVENTION: "main assets" = assets holding at least half the recorded value; an unknown
    domicile with no located assets is not read as local.
    """
    prefix = court_area(network, court if court is not None else enforcing_court(case))
    if case.debtor.domicile_division and case.debtor.domicile_division.startswith(prefix):
        return True
    if not case.assets:
        return False  # no value recorded at all (most cases)
    total = sum((a.value for a in case.assets), Decimal(0))
    local = sum((a.value for a in case.assets if a.location_division and a.location_division.startswith(prefix)),
                Decimal(0))
    return total > 0 and local * 2 >= total
