"""What happened during enforcement: measures, Art. 13 and other periods, the 终本 record.

Every date is kept on or before `end` (the closing day, or as_of for an open case); a
period that would run past as_of on an open case is left running (`end: null`).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from assign.generator import distributions as dist
from assign.generator.assets import PlannedAsset
from assign.generator.draws import pick, randint

_FREEZE_KINDS = {"deposit", "equity", "receivable"}
_VALUED_KINDS = {"real_estate", "equity", "vehicle"}
_BEHAVIOUR_MEASURES = ("substitute_performance", "fine", "eviction_notice", "detention", "other")
_SIX_MONTHS = 183


def measures_for(rng: random.Random, *, situation: str, status: str, filed: int, end: int,
                 assets: list[PlannedAsset], debtor_kind: str,
                 periods: list[tuple[str, int, int | None]]) -> list[tuple[str, int]]:
    """Enforcement measures as (kind, day); valuation and auction also add periods to `periods`."""
    out: list[tuple[str, int]] = []

    def add(kind: str, day: int) -> None:
        if filed <= day <= end:
            out.append((kind, day))

    add("notice", filed + (randint(rng, 0, 3) if rng.random() < 0.85 else randint(rng, 4, 20)))
    if situation != "behaviour" and rng.random() < 0.92:
        add("asset_query", filed + randint(rng, 1, 25))
    for a in assets:
        if a.seized is None:
            continue
        add("freeze" if a.kind in _FREEZE_KINDS else "seize", a.seized)
        if a.kind in _VALUED_KINDS and (a.disposed is not None or rng.random() < 0.6):
            _valuation_and_auction(rng, a, end, add, periods)
    if situation == "none" or status == "zhongben":
        # 终本规定 Art. 1(2): consumption restriction and, where it applies, the dishonest list.
        if rng.random() < 0.85:
            add("consumption_restriction", filed + randint(rng, 5, 60))
        if debtor_kind in ("person", "company") and rng.random() < 0.7:
            add("dishonest_list", filed + randint(rng, 10, 90))
    if situation == "behaviour" and rng.random() < 0.8:
        # 10(3) is defeated by a measure within six months; a fifth of these come later.
        add(pick(rng, _BEHAVIOUR_MEASURES), filed + 5 + int(rng.expovariate(1 / 70)))
    if rng.random() < 0.02:  # obstruction sanctioned (终本规定 Art. 1(5))
        add(pick(rng, ("fine", "detention")), filed + randint(rng, 20, 200))
    out.sort(key=lambda m: m[1])
    return out


def _valuation_and_auction(rng: random.Random, a: PlannedAsset, end: int, add: Any,
                           periods: list[tuple[str, int, int | None]]) -> None:
    assert a.seized is not None
    limit = min(end, a.disposed) if a.disposed is not None else end
    valuation = a.seized + randint(rng, 20, 90)
    if valuation > limit:
        return
    add("valuation", valuation)
    appraisal_end = valuation + randint(rng, 14, 60)  # 鉴定评估: weeks (Art. 13 kind)
    periods.append(("appraisal", valuation, appraisal_end))
    auction = appraisal_end + randint(rng, 15, 45)
    if auction > limit:
        return
    add("auction", auction)
    periods.append(("auction", auction, auction + randint(rng, 30, 60)))


def periods_for(rng: random.Random, *, received: int, filed: int, end: int, as_of: int, is_open: bool,
                planned: list[tuple[str, int, int | None]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(excluded_periods, other_periods) as dicts, from independent draws plus `planned` ones."""
    raw = list(planned)
    for table in (dist.EXCLUDED_PERIODS, dist.OTHER_PERIODS):
        for kind, (share, bands) in table.items():
            if end <= filed or rng.random() >= share:
                continue
            start = _period_start(rng, received, filed, end)
            length = _length(rng, bands)
            raw.append((kind, start, start + length - 1))
    excluded: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for kind, start, stop in raw:
        if start > end:
            continue
        if stop is not None and stop > end:
            stop = None if is_open and stop > as_of else end
        period = {"kind": kind, "start": date.fromordinal(start),
                  "end": date.fromordinal(stop) if stop is not None else None}
        (excluded if kind in dist.EXCLUDED_PERIODS else other).append(period)
    return excluded, other


def _period_start(rng: random.Random, received: int, filed: int, end: int) -> int:
    if rng.random() < dist.STRADDLE_SHARE:
        start = received + randint(rng, 150, 200)
        if filed <= start <= end:
            return start
    return randint(rng, filed, end)


def _length(rng: random.Random, bands: tuple[tuple[float, int, int], ...]) -> int:
    u = rng.random() * sum(b[0] for b in bands)
    for weight, lo, hi in bands:
        if u < weight:
            return randint(rng, lo, hi)
        u -= weight
    return randint(rng, bands[-1][1], bands[-1][2])


def zhongben_record(rng: random.Random, *, ruled: int, as_of: int,
                    assets: list[PlannedAsset]) -> dict[str, Any]:
    """终本规定 Art. 9: an online query every ~6 months for five years; some courts lapse."""
    queries: list[date] = []
    lapse_after = randint(rng, 0, 4) if rng.random() < dist.ZHONGBEN_QUERY_LAPSE_SHARE else None
    day = ruled + randint(rng, 150, 182)
    while day <= min(as_of, ruled + 5 * 365):
        if lapse_after is not None and len(queries) >= lapse_after:
            break
        queries.append(date.fromordinal(day))
        day += randint(rng, 160, 182)
    undisposed = [a.id for a in assets if a.seized is not None and a.disposed is None]
    return {"ruled_on": date.fromordinal(ruled), "asset_queries": queries, "undisposed_asset_ids": undisposed}


def is_stalled(*, status: str, situation: str, received: int, as_of: int, assets: list[PlannedAsset],
               measures: list[tuple[str, int]], filed: int) -> bool:
    """A case an applicant would take to the higher court: Art. 10 basis, past six months."""
    if status != "open":
        return False
    if situation == "behaviour":
        acted = any(k in _BEHAVIOUR_MEASURES for k, d in measures if d <= filed + _SIX_MONTHS)
        return not acted and as_of - received > _SIX_MONTHS + 20
    pending = [a for a in assets if a.disposed is None]
    if not pending:
        return False
    start = min(received if a.discovered is None else a.discovered for a in pending)
    return as_of - start > _SIX_MONTHS + 20
