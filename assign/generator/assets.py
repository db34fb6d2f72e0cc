"""Assets and the case outcome they allow: discovery, seizure, disposal, status.

Dates are day ordinals (`date.toordinal()`) while a case is built, converted once at the end.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from assign.generator import distributions as dist
from assign.generator.court_mix import CourtMix
from assign.generator.draws import Weighted, randint
from assign.schemas import Court

# Days from seizure to the proceeds being paid out, by asset kind (uniform lo..hi): a
# deposit is transferred within weeks, real estate needs valuation and up to three auctions.
DISPOSAL_DAYS = {
    "deposit": (3, 30), "vehicle": (45, 180), "equity": (60, 240), "receivable": (30, 150),
    "real_estate": (120, 420), "other": (45, 200),
}
# (probability the asset gets seized at all, days after the clock start lo..hi)
SEIZURE = {
    "deposit": (0.97, 0, 7), "vehicle": (0.95, 2, 45), "equity": (0.95, 2, 45),
    "real_estate": (0.95, 2, 45), "receivable": (0.85, 5, 60), "other": (0.80, 5, 60),
}
_KINDS = Weighted(dist.ASSET_KIND_WEIGHTS)
_LOCATION_BANDS = Weighted(dist.ASSET_LOCATION_WEIGHTS)


@dataclass
class PlannedAsset:
    id: str
    kind: str
    value: float
    at_application: bool
    discovered: int | None
    seized: int | None
    disposal_due: int | None  # when disposal would complete if enforcement runs its course
    disposed: int | None
    location: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "kind": self.kind, "value": f"{self.value:.2f}",
            "available_at_application": self.at_application,
            "discovered_on": _day(self.discovered), "seized_on": _day(self.seized),
            "disposed_on": _day(self.disposed), "location_division": self.location,
        }


def _day(ordinal: int | None) -> date | None:
    return date.fromordinal(ordinal) if ordinal is not None else None


def amount_for(rng: random.Random, debtor_kind: str, obligation: str) -> float:
    """执行标的 in yuan: lognormal around a median that depends on who owes (distributions.py)."""
    if obligation == "behaviour":
        return 0.0 if rng.random() < 0.7 else round(rng.uniform(1_000, 50_000), 2)
    median = dist.AMOUNT_MEDIAN[debtor_kind] * (0.8 if obligation == "delivery" else 1.0)
    return round(min(5e9, median * math.exp(rng.gauss(0.0, dist.AMOUNT_SIGMA))), 2)


def plan_assets(rng: random.Random, mix: CourtMix, court: Court, debtor_division: str | None, *,
                situation: str, restored: bool, received: int, filed: int, as_of: int,
                amount: float) -> list[PlannedAsset]:
    """situation: 'at_application' (Art. 10(1)) or 'later' (Art. 10(2)); others have no assets."""
    count = 1 + (rng.random() < dist.EXTRA_ASSET_PROBS[0]) + (rng.random() < dist.EXTRA_ASSET_PROBS[1])
    total_value = max(amount, 10_000.0) * rng.uniform(0.3, 1.6)
    assets: list[PlannedAsset] = []
    for i in range(count):
        kind = str(_KINDS.draw(rng))
        at_app = situation == "at_application" and (i == 0 or rng.random() < 0.5)
        if at_app:
            discovered = None
            start = filed
        elif restored and i == 0:
            discovered = received - randint(rng, 0, 15)  # the lead that got the case restored
            start = filed
        else:
            discovered = filed + 15 + int(rng.expovariate(1 / 120))
            if discovered > as_of:
                discovered = randint(rng, filed, as_of)
            start = discovered
        seize_p, lo, hi = SEIZURE[kind]
        seized = start + randint(rng, lo, hi) if rng.random() < seize_p else None
        if seized is not None and seized > as_of:
            seized = None
        due = None
        if seized is not None:
            d_lo, d_hi = DISPOSAL_DAYS[kind]
            due = seized + randint(rng, d_lo, d_hi)
        band = _LOCATION_BANDS.index(rng)
        if band == 0:
            location = debtor_division or mix.home_division(court, rng)
        elif band == 1:
            location = mix.division_near(court, rng, 1)
        else:  # elsewhere: the province or anywhere, half and half
            location = mix.division_near(court, rng, 2 if rng.random() < 0.5 else 3)
        assets.append(PlannedAsset(f"A{i + 1}", kind, round(total_value / count, 2), at_app, discovered,
                                   seized, due, None, location))
    return assets


def decide_status(rng: random.Random, *, situation: str, obligation: str, filed: int, as_of: int,
                  assets: list[PlannedAsset]) -> tuple[str, int | None]:
    """(status, closing day or None); sets each asset's disposal day as a side effect."""
    days = as_of - filed
    if situation == "none":
        if days > 30 and rng.random() < dist.ZHONGBEN_TOO_EARLY_SHARE:
            return "zhongben", filed + randint(rng, 30, min(days, 85))
        if days > 100 and rng.random() < dist.ZHONGBEN_SHARE_NO_ASSETS:
            return "zhongben", filed + 95 + min(days - 95, int(rng.expovariate(1 / 90)))
        if days > 20 and rng.random() < dist.TERMINATED_SHARE:
            return "terminated", filed + randint(rng, 20, days)
        return "open", None
    if situation == "behaviour":
        if days > 30 and rng.random() < dist.CONCLUDED_SHARE_BEHAVIOUR:
            return "concluded", filed + randint(rng, 10, min(days, 200))
        return "open", None
    due = [a.disposal_due for a in assets]
    if all(d is not None and d <= as_of for d in due) and rng.random() < dist.CONCLUDED_SHARE_WITH_ASSETS:
        for a in assets:
            a.disposed = a.disposal_due
        return "concluded", max(d for d in due if d is not None)
    seized = [a for a in assets if a.seized is not None]
    if seized and days > 95 and rng.random() < dist.ZHONGBEN_ASSETS_UNDISPOSED_SHARE:
        ruled = max(filed + 95, max(a.seized for a in seized if a.seized is not None) + randint(rng, 10, 60))
        if ruled <= as_of:  # 终本 with a seized asset never put to auction: improper (§5 Art. 4)
            return "zhongben", ruled
    if days > 20 and rng.random() < dist.TERMINATED_SHARE:
        return "terminated", filed + randint(rng, 20, days)
    for a in assets:
        if a.disposal_due is not None and a.disposal_due <= as_of and rng.random() < dist.DISPOSED_WHEN_DUE_SHARE:
            a.disposed = a.disposal_due
    return "open", None


def recovered_for(status: str, amount: float, assets: list[PlannedAsset]) -> float:
    if status == "concluded":
        return amount
    paid = sum(a.value for a in assets if a.disposed is not None)
    return round(min(paid, amount * 0.95), 2)
