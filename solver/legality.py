"""Which (case, court) pairs are legal: the hard filters of the registry applied in order.

The order is the order of `constraints.HARD_FILTERS`; the first unit that objects names the
exclusion, and for a case left with no court at all, the unit that removed the last legal
courts names the infeasibility ("infeasible is an answer").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from solver.instance import Conflict, CourtState, Demand


class Legality:
    """Indexes the filters need: pool membership and declared conflicts."""

    def __init__(self, pools: dict[str, Iterable[str]], conflicts: Sequence[Conflict]) -> None:
        self.pool_courts: dict[str, frozenset[str]] = {p: frozenset(cs) for p, cs in pools.items()}
        self.party_conflicts: dict[str, set[str]] = defaultdict(set)
        self.court_conflicts: dict[str, set[str]] = defaultdict(set)
        for c in conflicts:
            if c.party:
                self.party_conflicts[c.court].add(c.party)
            if c.other_court:
                self.court_conflicts[c.court].add(c.other_court)
                self.court_conflicts[c.other_court].add(c.court)

    def exclusion(self, demand: Demand, court: CourtState) -> str | None:
        """The id of the first hard unit that rules the pair out, or None when it is legal."""
        from solver.constraints import HARD_FILTERS

        for unit in HARD_FILTERS:
            if unit.exclude(demand, court, self) is not None:
                return unit.id
        return None

    def split(self, demand: Demand, courts: Sequence[CourtState]) -> tuple[list[str], dict[str, str], str | None]:
        """(legal courts, excluded court -> unit id, the unit that emptied the set or None)."""
        if demand.pinned:
            return [demand.pinned], {}, None
        legal: list[str] = []
        excluded: dict[str, str] = {}
        for court in courts:
            unit = self.exclusion(demand, court)
            if unit is None:
                legal.append(court.code)
            else:
                excluded[court.code] = unit
        if legal:
            return legal, excluded, None
        if not courts:
            return [], excluded, "hard.in_forum_jurisdiction"
        from solver.constraints import HARD_FILTERS

        order = [u.id for u in HARD_FILTERS]
        return [], excluded, max(excluded.values(), key=order.index)
