"""Synthetic asset register feeds (vehicles, real estate, bank accounts, equity) for the demo and the bench.

`generate_register_records(debtor_ids, m, debtor_share=…, seed=…, as_of=…)` yields M records; a
share `debtor_share` (default 10%) belongs to the given debtors (drawn uniformly with
replacement), the rest to other people (synthetic resident ids; a clash with a debtor is
possible and harmless). Kinds: bank accounts 40%, vehicles 30%, real estate 20%, equity 10%.
Registered uniformly over the ten years before `as_of`; 35% released since, a uniform 0–5 years
later (never after `as_of`); value known for 70%, log-uniform 5,000–5,000,000 yuan (bank
accounts: their balance). A modelling choice, not a measured distribution: the only published
figure (legal-reference, issue 17: a county's ~700 vehicles worth ¥30M, i.e. ~¥43,000 each)
lies inside these bounds.

`rulings` (debtor id -> its latest 终本 ruling) makes the debtor rows of 终本 debtors realistic: a 终本
needs the online investigation to have found nothing disposable (终本规定 Art. 1(3)), so most of
what a register later shows was acquired after the ruling. CHOICE: 70% of such rows are registered
uniformly in (ruling, as_of]; the rest are drawn like any row (held at the ruling: a register the
online system missed, or an improper 终本). Without `rulings` the output is as before.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from assign.generator.identities import resident_id
from assign.registers import RegisterKind, RegisterRecord

KIND_WEIGHTS = {RegisterKind.BANK_ACCOUNT: 40, RegisterKind.VEHICLE: 30, RegisterKind.REAL_ESTATE: 20,
                RegisterKind.EQUITY: 10}
REGISTRY = {RegisterKind.BANK_ACCOUNT: "商业银行开户登记", RegisterKind.VEHICLE: "公安机关交通管理部门",
            RegisterKind.REAL_ESTATE: "不动产登记中心", RegisterKind.EQUITY: "市场监督管理部门"}
PREFIX = {RegisterKind.BANK_ACCOUNT: "BA", RegisterKind.VEHICLE: "VH", RegisterKind.REAL_ESTATE: "RE",
          RegisterKind.EQUITY: "EQ"}
RELEASED_SHARE = 0.35
VALUE_KNOWN_SHARE = 0.70
DEFAULT_DEBTOR_SHARE = 0.10
AFTER_RULING_SHARE = 0.70  # of a 终本 debtor's rows (with `rulings`): acquired after the ruling


def generate_register_records(debtor_ids: Sequence[str], m: int, *, debtor_share: float = DEFAULT_DEBTOR_SHARE,
                              seed: int = 17, as_of: date,
                              rulings: Mapping[str, date] | None = None) -> Iterator[RegisterRecord]:
    rng = random.Random(seed)
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    first = as_of - timedelta(days=3650)
    birth_lo, birth_hi = date(1950, 1, 1).toordinal(), date(2000, 12, 31).toordinal()
    for i in range(m):
        kind = rng.choices(kinds, weights)[0]
        if debtor_ids and rng.random() < debtor_share:
            party = debtor_ids[rng.randrange(len(debtor_ids))]
        else:
            party = resident_id("110101", rng.randint(birth_lo, birth_hi), rng.randrange(1000))
        registered = first + timedelta(days=rng.randrange(3651))
        ruled = rulings.get(party) if rulings else None
        if ruled is not None and ruled < as_of and rng.random() < AFTER_RULING_SHARE:
            registered = ruled + timedelta(days=1 + rng.randrange((as_of - ruled).days))
        released = None
        if rng.random() < RELEASED_SHARE:
            released = min(as_of, registered + timedelta(days=rng.randrange(1826)))
        value = None
        if rng.random() < VALUE_KNOWN_SHARE:
            value = Decimal(round(10 ** rng.uniform(3.7, 6.7), -2)).quantize(Decimal("1"))
        yield RegisterRecord(record_id=f"{PREFIX[kind]}{i:09d}", party_id=party, asset_kind=kind,
                             registered_on=registered, released_on=released, registry=REGISTRY[kind],
                             location_division=None, value=value)
