"""The shipped national network (data/courts.csv) and the build that makes it."""

from __future__ import annotations

from collections import Counter

import pytest
from typer.testing import CliRunner

from api.cli import app
from assign.caseload import (
    CLOSED_2024,
    CLOSED_PER_JUDGE_2024,
    INTAKE_PER_CLOSURE,
    MEAN_DURATION_YEARS,
    OFFICERS_PER_JUDGE,
    summarise_flows,
)
from assign.netbuild import (
    SOURCE_VERSIONS,
    Division,
    Sources,
    build_courts,
    summarise,
)
from assign.network import BUILTIN_COURTS_CSV, CourtNetwork, courts_to_csv, load_network
from assign.schemas import CourtLevel


@pytest.fixture(scope="module")
def shipped() -> CourtNetwork:
    return load_network(BUILTIN_COURTS_CSV)


def test_counts_per_level_match_the_division_list(shipped: CourtNetwork) -> None:
    levels = Counter(c.level for c in shipped)
    assert levels[CourtLevel.HIGH] == 31
    assert abs(levels[CourtLevel.INTERMEDIATE] - 341) <= 3
    assert abs(levels[CourtLevel.BASIC] - 2849) <= 3


def test_no_hong_kong_macao_or_taiwan(shipped: CourtNetwork) -> None:
    assert not [c.code for c in shipped if c.division_code[:2] in ("71", "81", "82")]
    assert not [c.name for c in shipped if any(w in c.name for w in ("香港", "澳门", "台湾", "金门"))]


def test_every_court_sits_under_the_right_level(shipped: CourtNetwork) -> None:
    for c in shipped:
        parent = shipped.parent(c.code)
        expected = {CourtLevel.HIGH: None, CourtLevel.INTERMEDIATE: CourtLevel.HIGH,
                    CourtLevel.BASIC: CourtLevel.INTERMEDIATE}[c.level]
        assert (parent.level if parent else None) == expected, c.code
        assert c.code == c.code[0] + c.division_code and c.code[0] == c.level.value[0].upper()


# Courts checked by name and parent court, one a line: code, name, parent ("-": none).
KNOWN_COURTS = """
H510000 四川省高级人民法院 -
I510100 四川省成都市中级人民法院 H510000
B510104 四川省成都市锦江区人民法院 I510100
B510781 四川省江油市人民法院 I510700
B510722 四川省三台县人民法院 I510700
I513200 四川省阿坝藏族羌族自治州中级人民法院 H510000
B500237 重庆市巫山县人民法院 I500200
B110108 北京市海淀区人民法院 I110100
H650000 新疆维吾尔自治区高级人民法院 -
I429000 湖北省汉江中级人民法院 H420000
B429004 湖北省仙桃市人民法院 I429000
I419000 河南省济源中级人民法院 H410000
I460400 海南省第二中级人民法院 H460000
B659001 新疆维吾尔自治区石河子市人民法院 I659000
I441900 广东省东莞市中级人民法院 H440000
B441900 广东省东莞市第一人民法院 I441900
B620200 甘肃省嘉峪关市城区人民法院 I620200
"""


@pytest.mark.parametrize(("code", "name", "parent"), [
    (code, name, None if parent == "-" else parent)
    for code, name, parent in map(str.split, KNOWN_COURTS.strip().splitlines())])
def test_known_courts(shipped: CourtNetwork, code: str, name: str, parent: str | None) -> None:
    court = shipped.get(code)
    assert (court.name, court.parent_code) == (name, parent)


def test_names_and_codes_are_unique(shipped: CourtNetwork) -> None:
    names = Counter(c.name for c in shipped)
    assert [n for n, k in names.items() if k > 1] == []


def test_national_average_load_is_the_2024_figure(shipped: CourtNetwork) -> None:
    summary = summarise(list(shipped))
    # 9.1182M closed / 928 per judge = 9,826 judges, 2 officers each; pending = 4 months of intake
    officers = CLOSED_2024 / CLOSED_PER_JUDGE_2024 * OFFICERS_PER_JUDGE
    assert summary.staff == pytest.approx(officers, rel=0.01)
    assert summary.open_cases == pytest.approx(CLOSED_2024 * INTAKE_PER_CLOSURE * MEAN_DURATION_YEARS, rel=0.01)
    assert all(c.enforcement_staff >= OFFICERS_PER_JUDGE for c in shipped)
    # the model's shape: basic courts carry more per officer than intermediate, which carry more than high
    per_level = {lv: summarise([c for c in shipped if c.level == lv]).cases_per_officer for lv in CourtLevel
                 if lv != CourtLevel.SPECIAL}
    assert per_level[CourtLevel.BASIC] > per_level[CourtLevel.INTERMEDIATE] > per_level[CourtLevel.HIGH]


def test_coordinates_cover_the_network_inside_china(shipped: CourtNetwork) -> None:
    located = [c for c in shipped if c.lat is not None and c.lon is not None]
    assert len(located) >= 0.99 * len(shipped)
    for c in located:
        assert 3.5 <= c.lat <= 53.6 and 73.4 <= c.lon <= 135.1, c.code
    # 巫山 is about 130 km from 万州 and far from 成都
    assert 80 < shipped.distance_km("B500237", "B500101") < 180


def test_debtor_home_court_lookup_on_the_real_network(shipped: CourtNetwork) -> None:
    assert shipped.local_basic_court("500237").code == "B500237"
    assert shipped.local_basic_court("441900").code == "B441900"
    assert shipped.in_jurisdiction("B500237", "H500000")
    assert not shipped.in_jurisdiction("B500237", "I500100")


def test_rebuilding_from_the_packages_gives_the_shipped_file() -> None:
    from importlib import metadata

    from assign.netbuild import build_from_packages

    for name, version in SOURCE_VERSIONS.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            pytest.skip(f"{name} not installed (the network extra)")
        if installed != version:
            pytest.skip(f"{name} {installed} installed, the shipped file is built from {version}")
    report = build_from_packages()
    assert courts_to_csv(report.courts) == BUILTIN_COURTS_CSV.read_text(encoding="utf-8")
    assert report.data_as_of == "2025-12-31"
    assert report.coordinate_source["missing"] == 0
    flows = summarise_flows(list(report.flows.values()))
    assert flows.closed_per_year == pytest.approx(CLOSED_2024, rel=0.01)
    assert flows.closed_per_judge == pytest.approx(CLOSED_PER_JUDGE_2024, rel=0.001)


# ---------------------------------------------------------------- the rules on a tiny hand-made list


def tiny_sources() -> Sources:
    d = Division
    divisions = [
        d(1, "500000", "", "重庆市"), d(1, "440000", "", "广东省"), d(1, "810000", "", "香港特别行政区"),
        d(2, "441900", "440000", "东莞市"), d(2, "440100", "440000", "广州市"),
        d(3, "440103", "440100", "荔湾区"), d(3, "440183", "440100", "增城区"),
        d(3, "500101", "500000", "万州区"), d(3, "500237", "500000", "巫山县"),
        *[d(4, f"500237{i:03}", "500237", f"某{i}镇") for i in range(10)],
        *[d(4, f"440103{i:03}", "440103", f"某{i}街道") for i in range(20)],
        *[d(4, f"441900{i:03}", "441900", f"某{i}镇") for i in range(5)],
    ]
    points = {c.code: (23.0, 113.0) for c in divisions if c.level < 4 and c.code != "500237"}
    return Sources(divisions, points, centroids={"500237": (31.07, 109.88)})


def test_build_rules_on_a_small_division_list() -> None:
    report = build_courts(tiny_sources())
    by_code = {c.code: c for c in report.courts}
    assert list(by_code) == [
        "H440000", "I440100", "B440103", "B440183", "I441900", "B441900",
        "H500000", "I500100", "B500101", "I500200", "B500237",
    ]
    assert by_code["B440103"].name == "广东省广州市荔湾区人民法院"
    assert by_code["B500237"].name == "重庆市巫山县人民法院"
    assert (by_code["B500237"].lat, by_code["B500237"].lon) == (31.07, 109.88)  # polygon fallback
    # I500100, I500200: no point or polygon of their own in this list, so the high court's
    assert report.coordinate_source == Counter({"cpca": 8, "parent": 2, "centroid": 1})
    assert report.flows["B440103"].judges == 7  # 20 街道 x 2.0 x 0.184 = 7.36
    assert report.flows["B500237"].judges == 2  # 10 镇 x 1.0 x 0.184 = 1.84
    assert report.flows["B440183"].judges == 1  # no townships: the floor
    assert report.flows["I440100"].judges == 2  # 0.2 x 8 basic judges = 1.6, floor 2
    assert report.flows["H440000"].judges == 3  # the floor
    for court in report.courts:  # officers = judges + 执行员; pending = intake x mean duration
        f = report.flows[court.code]
        assert court.enforcement_staff == 2 * f.judges
        assert court.open_cases == round(f.intake_per_year * 4 / 12)
        assert abs(f.intake_per_year - f.closed_per_year * 10.1322 / 9.4402) <= 0.5
    flows = summarise_flows(list(report.flows.values()))
    assert flows.closed_per_judge == pytest.approx(928, rel=0.01)
    # an urban district (all 街道, weight 1.3) closes more per judge than a county of 镇 (weight 0.7)
    urban, rural = report.flows["B440103"], report.flows["B500237"]
    assert urban.closed_per_year / urban.judges == pytest.approx(rural.closed_per_year / rural.judges * 1.3 / 0.7,
                                                                 rel=0.01)
    CourtNetwork(report.courts)  # a valid network


# ---------------------------------------------------------------- CLI


def test_cli_build_stats_show(tmp_path) -> None:
    runner = CliRunner()
    out = tmp_path / "courts.csv"
    built = runner.invoke(app, ["network", "build", "--out", str(out)])
    if built.exit_code == 2 and "network" in built.output:
        pytest.skip("the network extra is not installed")
    assert built.exit_code == 0, built.output
    assert "2,848" in built.output and "(928.0 per judge)" in built.output
    stats = runner.invoke(app, ["network", "stats", "--courts", str(out)])
    assert stats.exit_code == 0 and "courts without coordinates: 0" in stats.output
    show = runner.invoke(app, ["network", "show", "B500237"])
    assert show.exit_code == 0
    assert "重庆市巫山县人民法院" in show.output and "H500000" in show.output
    missing = runner.invoke(app, ["network", "show", "B000000"])
    assert missing.exit_code == 1 and "unknown court code" in missing.output


def test_missing_extra_is_a_data_error_naming_the_install_command(monkeypatch, tmp_path) -> None:
    from importlib import metadata

    import assign.netbuild as netbuild
    from assign.errors import DataError

    def not_installed(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(netbuild.metadata, "distribution", not_installed)
    with pytest.raises(DataError, match=r"pip install '\.\[network\]'"):
        netbuild.read_sources()
    result = CliRunner().invoke(app, ["network", "build", "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 2 and "pip install '.[network]'" in result.output
    assert not (tmp_path / "c.csv").exists()


def test_polygon_centroid_ignores_ring_orientation() -> None:
    from assign.netbuild import _centroid

    square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]  # lon, lat; centroid (1, 1)
    far = [[10, 10], [10, 11], [11, 11], [11, 10], [10, 10]]  # clockwise, a quarter of the area
    assert _centroid({"type": "Polygon", "coordinates": [square]}) == (1.0, 1.0)
    assert _centroid({"type": "MultiPolygon", "coordinates": [[square], [far]]}) == (2.9, 2.9)
    assert _centroid({"type": "MultiLineString", "coordinates": [[[0, 0], [2, 4]]]}) == (2.0, 1.0)


def test_a_division_with_an_unknown_parent_is_a_data_error() -> None:
    from assign.errors import DataError

    src = tiny_sources()
    src.divisions.append(Division(3, "440999", "440900", "某县"))
    with pytest.raises(DataError, match="440999"):
        build_courts(src)
