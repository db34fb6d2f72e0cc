"""Which courts receive generated cases, how many, and what their case numbers look like."""

from __future__ import annotations

import bisect
import random
from collections import defaultdict

from assign.errors import DataError
from assign.generator.distributions import INTERMEDIATE_WEIGHT
from assign.generator.draws import pick
from assign.network import CourtNetwork
from assign.schemas import Court, CourtLevel

# 2-digit province prefix -> the abbreviation used in case numbers, e.g. (2024)川0104执123号.
PROVINCE_ABBREVIATION = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新", "66": "兵",
}


def province_roots(network: CourtNetwork, province: str | None) -> list[Court]:
    """The high courts whose subtrees are in scope.

    `province` may be a 2-digit prefix ('51'), a 6-digit province division ('510000') or a
    high court's code ('H510000'); None means the whole network.
    """
    highs = [c for c in network if c.level == CourtLevel.HIGH]
    if province is None:
        return highs
    if province in network:
        court = network.get(province)
        if court.level != CourtLevel.HIGH:
            raise DataError(f"--province {province!r} is a {court.level.value} court; give a high court or prefix")
        return [court]
    if province.isdigit() and (len(province) == 2 or (len(province) == 6 and province.endswith("0000"))):
        roots = [c for c in highs if c.division_code[:2] == province[:2]]
        if roots:
            return roots
    raise DataError(f"--province {province!r} names no high court in the network (try '51' or 'H510000')")


class CourtMix:
    """Draws enforcing courts in proportion to their load and numbers their cases uniquely."""

    def __init__(self, network: CourtNetwork, province: str | None = None) -> None:
        self.network = network
        self.roots = province_roots(network, province)
        self._province: dict[str, str] = {}
        for high in (c for c in network if c.level == CourtLevel.HIGH):
            for code in network.subtree_codes(high.code):
                self._province[code] = high.code
        # Every court a generated case may name (entrustment stays inside the scope too).
        self.in_scope: set[str] = {code for root in self.roots for code in network.subtree_codes(root.code)}
        courts: list[Court] = []
        weights: list[float] = []
        for root in self.roots:
            for c in network.subtree(root.code):
                if c.level == CourtLevel.BASIC:
                    w = float(c.open_cases)
                elif c.level == CourtLevel.INTERMEDIATE:
                    w = c.open_cases * INTERMEDIATE_WEIGHT
                else:  # high and special courts: not generated (special courts' work differs)
                    continue
                if w > 0:
                    courts.append(c)
                    weights.append(w)
        if not courts:
            raise DataError("no basic or intermediate court with open_cases > 0 in scope")
        self.courts = courts
        self._cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self._cum.append(total)
        self._total = total
        # Divisions (counties) that debtors and assets can be placed in, by area.
        self.prefecture_divisions: dict[str, list[str]] = defaultdict(list)
        self.province_divisions: dict[str, list[str]] = defaultdict(list)
        self.all_divisions: list[str] = []
        for c in network:
            if c.level == CourtLevel.BASIC:
                self.prefecture_divisions[self.prefecture_of(c)].append(c.division_code)
                self.province_divisions[self.province_of(c)].append(c.division_code)
                self.all_divisions.append(c.division_code)
        self.basic_by_prefecture: dict[str, list[Court]] = defaultdict(list)
        for c in courts:
            if c.level == CourtLevel.BASIC:
                self.basic_by_prefecture[self.prefecture_of(c)].append(c)
        self._serial: dict[str, int] = {}

    def draw(self, rng: random.Random) -> Court:
        return self.courts[bisect.bisect_right(self._cum, rng.random() * self._total)]

    def prefecture_of(self, court: Court) -> str:
        """The intermediate court above a basic court (the court itself if intermediate)."""
        if court.level == CourtLevel.BASIC and court.parent_code:
            return court.parent_code
        return court.code

    def province_of(self, court: Court) -> str:
        return self._province[court.code]

    def home_division(self, court: Court, rng: random.Random) -> str:
        """A county division for the court: its own for a basic court, one of its counties above."""
        if court.level == CourtLevel.BASIC:
            return court.division_code
        divisions = self.prefecture_divisions.get(court.code)
        return pick(rng, divisions) if divisions else court.division_code

    def division_near(self, court: Court, rng: random.Random, band: int) -> str:
        """band 0: the court's county; 1: the prefecture; 2: the province; 3: anywhere."""
        if band == 0:
            return self.home_division(court, rng)
        pool: list[str] | None = None
        if band == 1:
            pool = self.prefecture_divisions.get(self.prefecture_of(court))
        elif band == 2:
            pool = self.province_divisions.get(self.province_of(court))
        return pick(rng, pool or self.all_divisions or [court.division_code])

    def case_no(self, court: Court, year: int, restored: bool, rng: random.Random) -> str:
        """(2024)川0104执1234号 for a basic court, (2024)川01执123号 for an intermediate court.

        Serials start at a random point scaled by the court's load and grow by 1–3, so they
        look like a busy court's register; they are unique but not in date order.
        """
        abbr = PROVINCE_ABBREVIATION.get(court.division_code[:2], "某")
        digits = court.division_code[2:6] if court.level == CourtLevel.BASIC else court.division_code[2:4]
        kind = "执恢" if restored else "执"
        prefix = f"({year}){abbr}{digits}{kind}"
        # Keyed by the printed prefix, so two courts sharing a division code never collide.
        last = self._serial.get(prefix)
        if last is None:
            scale = court.open_cases // (40 if restored else 4)
            n = 1 + int(rng.random() * max(1, scale))
        else:
            n = last + 1 + int(rng.random() * 3)
        self._serial[prefix] = n
        return f"{prefix}{n}号"
