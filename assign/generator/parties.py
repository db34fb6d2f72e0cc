"""Debtors and applicants: one-off parties and pooled repeat debtors with many cases."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from assign.generator import distributions as dist
from assign.generator.court_mix import CourtMix
from assign.generator.draws import Weighted, randint
from assign.generator.identities import (
    area_name,
    credit_code,
    creditor_institution_name,
    organisation_name,
    person_name,
    resident_id,
)
from assign.schemas import Court

Party = dict[str, Any]


_DEBTOR_KINDS = Weighted(dist.DEBTOR_KIND_WEIGHTS)
_APPLICANT_KINDS = Weighted(dist.APPLICANT_KIND_WEIGHTS)
_REPEAT_KINDS = Weighted(dist.REPEAT_DEBTOR_KIND_WEIGHTS)
_DEBTOR_BANDS = Weighted(dist.DEBTOR_DOMICILE_WEIGHTS)
# Applicants: the court's county, the prefecture, the province, anywhere. CHOICE.
_APPLICANT_BANDS = Weighted((0.25, 0.30, 0.30, 0.15))


@dataclass
class PooledDebtor:
    """A debtor shared by many cases; remembers its latest case numbers for related_case_nos."""

    party: Party
    recent_case_nos: deque[str] = field(default_factory=lambda: deque(maxlen=5))
    cases: int = 0


class PartyFactory:
    def __init__(self, mix: CourtMix, rng: random.Random, as_of_ordinal: int) -> None:
        self.mix = mix
        self.rng = rng
        self.as_of = as_of_ordinal
        self._person_serial: dict[str, int] = {}
        self._org_serial = 0
        self._area: dict[str, str] = {}
        # pool key (prefecture or province court code) -> (one debtor index per case placed
        # there, so a uniform pick is a pick in proportion to cases; each debtor once).
        self._pools: dict[str, tuple[list[int], list[int]]] = {}
        self.pooled: list[PooledDebtor] = []

    # ------------------------------------------------------------ public

    def debtor(self, court: Court) -> tuple[Party, PooledDebtor | None]:
        rng = self.rng
        if rng.random() < dist.REPEAT_DEBTOR_SHARE:
            pooled = self._pooled_debtor(court)
            pooled.cases += 1
            return pooled.party, pooled
        kind = str(_DEBTOR_KINDS.draw(rng))
        band = _DEBTOR_BANDS.index(rng)
        return self._party(kind, self.mix.division_near(court, rng, band), debtor=True), None

    def applicant(self, court: Court) -> Party:
        kind = str(_APPLICANT_KINDS.draw(self.rng))
        band = _APPLICANT_BANDS.index(self.rng)
        return self._party(kind, self.mix.division_near(court, self.rng, band), debtor=False)

    # ------------------------------------------------------------ internals

    def _pooled_debtor(self, court: Court) -> PooledDebtor:
        rng = self.rng
        if rng.random() < dist.REPEAT_PROVINCE_SHARE:
            key = self.mix.province_of(court)
        else:
            key = self.mix.prefecture_of(court)
        by_case, distinct = self._pools.setdefault(key, ([], []))
        p_new = max(dist.REPEAT_NEW_FLOOR, dist.REPEAT_ALPHA / (dist.REPEAT_ALPHA + len(by_case)))
        if not by_case or rng.random() < p_new:
            kind = str(_REPEAT_KINDS.draw(rng))
            party = self._party(kind, self.mix.home_division(court, rng), debtor=True, big=True)
            index = len(self.pooled)
            self.pooled.append(PooledDebtor(party))
            distinct.append(index)
        elif rng.random() < dist.REPEAT_PREFERENTIAL_SHARE:
            index = by_case[int(rng.random() * len(by_case))]
        else:
            index = distinct[int(rng.random() * len(distinct))]
        by_case.append(index)
        return self.pooled[index]

    def _party(self, kind: str, division: str, *, debtor: bool, big: bool = False) -> Party:
        rng = self.rng
        if kind == "person":
            serial = self._person_serial.get(division, 0)
            self._person_serial[division] = serial + 1
            birth = self.as_of - randint(rng, 22 * 365, 70 * 365)
            pid = resident_id(division, birth, serial)
            return {"id": pid, "name": person_name(rng), "kind": kind, "domicile_division": division,
                    "key_local_taxpayer": False}
        self._org_serial += 1
        code = credit_code(kind, division, self._org_serial, rng)
        area = self._area_of(division)
        name = organisation_name(kind, area, rng) if debtor else creditor_institution_name(kind, area, rng)
        share = dist.KEY_TAXPAYER_SHARE.get(kind, 0.0) * (4 if big else 1)
        return {"id": code, "name": name, "kind": kind, "domicile_division": division,
                "key_local_taxpayer": debtor and rng.random() < share}

    def _area_of(self, division: str) -> str:
        area = self._area.get(division)
        if area is None:
            court = self.mix.network.local_basic_court(division)
            area = area_name(court.name) if court else ""
            self._area[division] = area
        return area or "某县"
