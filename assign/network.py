"""The court network: hierarchy (上一级), jurisdiction (本辖区), distances, debtor-home courts.

A `CourtNetwork` is immutable once built and validated. Subtree membership is answered in
O(1) from an Euler tour (entry/exit indexes), because the solver and the single-case
recommender ask "is X in Y's jurisdiction" millions of times.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from assign.errors import DataError, NotFound, RowProblem
from assign.schemas import Court, CourtLevel

EARTH_RADIUS_KM = 6371.0088
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BUILTIN_COURTS_CSV = DATA_DIR / "courts.csv"
COURT_CSV_FIELDS = [
    "code", "name", "level", "parent_code", "division_code", "lat", "lon", "enforcement_staff", "open_cases",
]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class CourtNetwork:
    """A validated court hierarchy. Build with `CourtNetwork.from_courts` or `load_network`."""

    def __init__(self, courts: Sequence[Court]) -> None:
        problems = validate_courts(courts)
        if problems:
            raise DataError("invalid court network", problems)
        self._courts: dict[str, Court] = {c.code: c for c in courts}
        self._children: dict[str, list[str]] = {c.code: [] for c in courts}
        for c in courts:
            if c.parent_code:
                self._children[c.parent_code].append(c.code)
        self._tin: dict[str, int] = {}
        self._tout: dict[str, int] = {}
        self._order: list[str] = []
        self._euler()
        self._basic_by_division: dict[str, str] = {}
        for c in courts:
            if c.level == CourtLevel.BASIC:
                self._basic_by_division.setdefault(c.division_code, c.code)
        self._by_division: dict[str, str] = {}
        for c in sorted(courts, key=lambda c: _LEVEL_RANK[c.level]):
            self._by_division.setdefault(c.division_code, c.code)

    @classmethod
    def from_courts(cls, courts: Iterable[Court]) -> CourtNetwork:
        return cls(list(courts))

    # ------------------------------------------------------------ basic access

    def __len__(self) -> int:
        return len(self._courts)

    def __contains__(self, code: object) -> bool:
        return code in self._courts

    def __iter__(self) -> Iterator[Court]:
        return iter(self._courts.values())

    def get(self, code: str) -> Court:
        try:
            return self._courts[code]
        except KeyError:
            raise NotFound(f"unknown court code {code!r}") from None

    @property
    def codes(self) -> list[str]:
        return list(self._courts)

    def parent(self, code: str) -> Court | None:
        """The court one level up (上一级), None for a high court."""
        p = self.get(code).parent_code
        return self._courts[p] if p else None

    def children(self, code: str) -> list[Court]:
        self.get(code)
        return [self._courts[c] for c in self._children[code]]

    def ancestors(self, code: str) -> list[Court]:
        out: list[Court] = []
        cur = self.parent(code)
        while cur is not None:
            out.append(cur)
            cur = self.parent(cur.code)
        return out

    # ------------------------------------------------------------ jurisdiction

    def _euler(self) -> None:
        roots = [c.code for c in self._courts.values() if c.parent_code is None]
        counter = 0
        for root in sorted(roots):
            stack: list[tuple[str, bool]] = [(root, False)]
            while stack:
                code, done = stack.pop()
                if done:
                    self._tout[code] = counter
                    continue
                self._tin[code] = counter
                self._order.append(code)
                counter += 1
                stack.append((code, True))
                for child in sorted(self._children[code], reverse=True):
                    stack.append((child, False))

    def in_jurisdiction(self, code: str, of: str) -> bool:
        """True when `code` is `of` itself or a court below it (本辖区)."""
        try:
            return self._tin[of] <= self._tin[code] < self._tout[of]
        except KeyError as e:  # an unknown code is the caller's NotFound, not a crash
            raise NotFound(f"unknown court code {e.args[0]!r}") from None

    def subtree(self, code: str) -> list[Court]:
        """`code` and every court under it, in a stable pre-order."""
        self.get(code)
        lo, hi = self._tin[code], self._tout[code]
        return [self._courts[c] for c in self._order[lo:hi]]

    def subtree_codes(self, code: str) -> list[str]:
        self.get(code)
        return self._order[self._tin[code] : self._tout[code]]

    def high_court_of(self, code: str) -> Court:
        chain = [self.get(code), *self.ancestors(code)]
        return chain[-1]

    # ------------------------------------------------------------ geography

    def local_basic_court(self, division_code: str | None) -> Court | None:
        """The basic court local to a 6-digit division (a debtor's home court), or None.

        Exact county match first. A prefecture-level code (XXXX00) or a province code maps
        to no single basic court and returns None: it names no home county to avoid.
        """
        if not division_code:
            return None
        code = self._basic_by_division.get(division_code)
        return self._courts[code] if code else None

    def point_of_division(self, division_code: str | None) -> tuple[float, float] | None:
        """Coordinates for a division: its own court, else its prefecture's, else its province's."""
        if not division_code:
            return None
        for key in (division_code, division_code[:4] + "00", division_code[:2] + "0000"):
            code = self._by_division.get(key)
            if code:
                point = self._courts[code].point
                if point is not None:
                    return point
        return None

    def distance_km(self, a: str, b: str) -> float | None:
        pa, pb = self.get(a).point, self.get(b).point
        if pa is None or pb is None:
            return None
        return great_circle_km(*pa, *pb)

    def distance_to_division_km(self, court: str, division_code: str | None) -> float | None:
        pc, pt = self.get(court).point, self.point_of_division(division_code)
        if pc is None or pt is None:
            return None
        return great_circle_km(*pc, *pt)

    # ------------------------------------------------------------ load

    def utilisation(self, code: str) -> float:
        c = self.get(code)
        return c.open_cases / max(c.enforcement_staff, 1)

    @cached_property
    def content_hash(self) -> str:
        import hashlib

        h = hashlib.sha256()
        for c in sorted(self._courts.values(), key=lambda c: c.code):
            h.update(c.model_dump_json().encode())
        return h.hexdigest()[:16]


_LEVEL_RANK = {CourtLevel.BASIC: 0, CourtLevel.SPECIAL: 1, CourtLevel.INTERMEDIATE: 2, CourtLevel.HIGH: 3}


def validate_courts(courts: Sequence[Court]) -> list[RowProblem]:
    """Structural checks: duplicate codes, unknown parents, cycles, level/parent consistency.

    Row numbers are 1-based positions in `courts` (the data row as the user counts it).
    """
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for i, c in enumerate(courts, start=1):
        if c.code in first_row:
            problems.append(RowProblem(i, "code", f"duplicate code (first at row {first_row[c.code]})", c.code))
        else:
            first_row[c.code] = i
    by_code = {c.code: c for c in courts}
    for i, c in enumerate(courts, start=1):
        if c.parent_code is None:
            if c.level != CourtLevel.HIGH:
                problems.append(RowProblem(i, "parent_code", f"a {c.level.value} court needs a parent court", c.code))
            continue
        parent = by_code.get(c.parent_code)
        if parent is None:
            reason = f"unknown parent {c.parent_code!r}"
            if c.level == CourtLevel.BASIC:
                reason = f"basic court's parent {c.parent_code!r} is not a court in this network"
            problems.append(RowProblem(i, "parent_code", reason, c.code))
            continue
        if c.parent_code == c.code:
            problems.append(RowProblem(i, "parent_code", "court is its own parent", c.code))
        elif c.level == CourtLevel.HIGH:
            problems.append(RowProblem(i, "parent_code", "a high court has no parent in this network", c.code))
        elif parent.level == CourtLevel.BASIC:
            problems.append(RowProblem(i, "parent_code", f"parent {parent.code} is a basic court", c.code))
        elif c.level == CourtLevel.INTERMEDIATE and parent.level != CourtLevel.HIGH:
            problems.append(
                RowProblem(i, "parent_code",
                           f"an intermediate court's parent must be a high court, not {parent.level.value}", c.code)
            )
    # cycles: walk up from each court; a walk longer than the network has courts loops.
    reported: set[str] = set()
    for i, c in enumerate(courts, start=1):
        seen: list[str] = []
        cur: str | None = c.code
        while cur is not None and cur in by_code and cur not in seen:
            seen.append(cur)
            cur = by_code[cur].parent_code
        if cur is not None and cur in seen:
            loop = seen[seen.index(cur) :]
            key = min(loop)
            if key not in reported:
                reported.add(key)
                rows = ", ".join(str(first_row[x]) for x in loop)
                path = " -> ".join(loop + [cur])
                problems.append(RowProblem(i, "parent_code", f"cycle {path} (rows {rows})", c.code))
    return sorted(problems, key=lambda p: p.row or 0)


def parse_courts(text: str, fmt: str) -> list[Court]:
    """Parse a network file's text (`fmt` is 'csv' or 'json'); every bad row is reported."""
    rows: list[dict[str, object]]
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise DataError(f"not valid JSON: {e}") from None
        except RecursionError:  # a court is a flat object: deep nesting is never a network
            raise DataError("not a court network: the JSON is nested too deeply") from None
        if isinstance(data, dict) and "courts" in data:
            data = data["courts"]
        if not isinstance(data, list):
            raise DataError("a court network in JSON is a list of courts (or {'courts': [...]})")
        rows = data
    elif fmt == "csv":
        rows = [dict(r) for r in csv.DictReader(io.StringIO(text))]
        for r in rows:
            for k in ("lat", "lon", "parent_code"):
                if r.get(k) == "":
                    r[k] = None
    else:
        raise DataError(f"unknown network format {fmt!r} (csv or json)")
    courts: list[Court] = []
    problems: list[RowProblem] = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(RowProblem(i, "-", "not an object"))
            continue
        try:
            courts.append(Court.model_validate(row))
        except ValidationError as e:
            for err in e.errors():
                field = ".".join(str(x) for x in err["loc"]) or "-"
                problems.append(RowProblem(i, field, err["msg"], str(row.get("code") or "") or None))
    if problems:
        raise DataError("invalid court rows", problems)
    return courts


def load_network(path: str | Path) -> CourtNetwork:
    p = Path(path)
    if not p.exists():
        raise NotFound(f"no court network file at {p}")
    fmt = "json" if p.suffix.lower() == ".json" else "csv"
    return CourtNetwork(parse_courts(p.read_text(encoding="utf-8"), fmt))


def courts_to_csv(courts: Iterable[Court]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COURT_CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for c in courts:
        d = c.model_dump(mode="json")
        w.writerow({k: ("" if d[k] is None else d[k]) for k in COURT_CSV_FIELDS})
    return buf.getvalue()


_BUILTIN: CourtNetwork | None = None


def builtin_network() -> CourtNetwork:
    """The bundled national network from data/courts.csv (loaded once per process)."""
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = load_network(BUILTIN_COURTS_CSV)
    return _BUILTIN
