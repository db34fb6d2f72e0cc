"""CourtNetwork: hierarchy, jurisdiction, geography, validation and file parsing.

Most tests use `make_network()`: H510000 over I510100 (B510104, B510105, B510112) and
I510700 (B510703, B510781), placed roughly at Chengdu and Mianyang.
"""

from __future__ import annotations

import json

import pytest

from assign.errors import DataError, NotFound
from assign.network import (
    CourtNetwork,
    courts_to_csv,
    great_circle_km,
    load_network,
    parse_courts,
    validate_courts,
)
from tests.factories import make_court, make_network


@pytest.fixture
def net() -> CourtNetwork:
    return make_network()


def codes(courts: list) -> list[str]:
    return [c.code for c in courts]


# ---------------------------------------------------------------- hierarchy


def test_parent_is_one_level_up_and_none_for_the_high_court(net: CourtNetwork) -> None:
    assert net.parent("B510104").code == "I510100"
    assert net.parent("I510700").code == "H510000"
    assert net.parent("H510000") is None


def test_ancestors_run_upwards_to_the_high_court(net: CourtNetwork) -> None:
    assert codes(net.ancestors("B510781")) == ["I510700", "H510000"]
    assert net.ancestors("H510000") == []
    assert net.high_court_of("B510781").code == "H510000"


def test_children_and_subtree_in_stable_preorder(net: CourtNetwork) -> None:
    assert codes(net.children("I510700")) == ["B510703", "B510781"]
    assert codes(net.subtree("H510000")) == [
        "H510000", "I510100", "B510104", "B510105", "B510112", "I510700", "B510703", "B510781",
    ]
    assert codes(net.subtree("I510100")) == ["I510100", "B510104", "B510105", "B510112"]
    assert net.subtree_codes("B510105") == ["B510105"]


@pytest.mark.parametrize(
    ("code", "of", "inside"),
    [
        ("B510104", "I510100", True),
        ("I510100", "I510100", True),  # a court is in its own jurisdiction
        ("B510104", "H510000", True),
        ("B510703", "I510100", False),  # sibling prefecture
        ("I510100", "B510104", False),  # upwards is not 本辖区
        ("H510000", "I510700", False),
    ],
)
def test_in_jurisdiction(net: CourtNetwork, code: str, of: str, inside: bool) -> None:
    assert net.in_jurisdiction(code, of) is inside


def test_unknown_codes_raise_not_found(net: CourtNetwork) -> None:
    for call in (lambda: net.get("B999999"), lambda: net.parent("B999999"), lambda: net.subtree("X"),
                 lambda: net.in_jurisdiction("B999999", "H510000"),
                 lambda: net.in_jurisdiction("B510104", "H999999")):
        with pytest.raises(NotFound):
            call()


def test_container_protocol(net: CourtNetwork) -> None:
    assert len(net) == 8
    assert "I510700" in net and "B999999" not in net
    assert set(net.codes) == {c.code for c in net}


# ---------------------------------------------------------------- geography


def test_distance_chengdu_mianyang_is_about_100_km(net: CourtNetwork) -> None:
    # Chengdu (30.67N 104.06E) to Mianyang (31.47N 104.68E): about 105 km as the crow flies
    assert net.distance_km("I510100", "I510700") == pytest.approx(105, abs=8)
    assert net.distance_km("I510100", "I510700") == pytest.approx(net.distance_km("I510700", "I510100"))
    assert net.distance_km("B510104", "B510104") == 0


def test_great_circle_against_a_known_distance() -> None:
    # Beijing (39.9042N 116.4074E) to Shanghai (31.2304N 121.4737E): 1,067 km
    assert great_circle_km(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(1067, abs=5)


def test_distance_is_none_when_a_court_has_no_coordinates() -> None:
    net = CourtNetwork([
        make_court("H510000", level="high", division="510000"),
        make_court("I510100", level="intermediate", parent="H510000"),
        make_court("B510104", parent="I510100", lat=None, lon=None),
    ])
    assert net.distance_km("B510104", "I510100") is None
    assert net.distance_to_division_km("B510104", "510100") is None


def test_local_basic_court_matches_counties_only(net: CourtNetwork) -> None:
    assert net.local_basic_court("510781").code == "B510781"
    assert net.local_basic_court("510700") is None  # a prefecture names no home county
    assert net.local_basic_court("510000") is None
    assert net.local_basic_court("999999") is None
    assert net.local_basic_court(None) is None
    assert net.local_basic_court("") is None


def test_point_of_division_falls_back_to_prefecture_then_province() -> None:
    net = CourtNetwork([
        make_court("H510000", level="high", division="510000", lat=30.6, lon=104.0),
        make_court("I510100", level="intermediate", parent="H510000", lat=30.7, lon=104.1),
        make_court("B510104", parent="I510100", lat=30.65, lon=104.08),
        make_court("B510105", parent="I510100", lat=None, lon=None),
    ])
    assert net.point_of_division("510104") == (30.65, 104.08)  # its own court
    assert net.point_of_division("510105") == (30.7, 104.1)  # court without a point: prefecture
    assert net.point_of_division("510199") == (30.7, 104.1)  # no court: prefecture
    assert net.point_of_division("511099") == (30.6, 104.0)  # unknown prefecture: province
    assert net.point_of_division("420102") is None  # another province
    assert net.point_of_division(None) is None
    assert net.distance_to_division_km("B510104", "510104") == 0


def test_utilisation_is_open_cases_per_officer(net: CourtNetwork) -> None:
    assert net.utilisation("B510104") == 19000 / 20
    zero = CourtNetwork([make_court("H510000", level="high", staff=0, open_cases=50)])
    assert zero.utilisation("H510000") == 50  # no division by zero


# ---------------------------------------------------------------- validation


def problem_map(courts: list) -> dict[tuple[int, str], str]:
    """(row, field) -> the reasons reported there, joined with ' | '."""
    out: dict[tuple[int, str], str] = {}
    for p in validate_courts(courts):
        key = (p.row, p.field)
        out[key] = f"{out[key]} | {p.reason}" if key in out else p.reason
    return out


def test_a_valid_network_has_no_problems(net: CourtNetwork) -> None:
    assert validate_courts(list(net)) == []


def test_cycle_is_reported_once_with_its_rows() -> None:
    courts = [
        make_court("H510000", level="high"),
        make_court("I510100", level="intermediate", parent="I510700"),
        make_court("I510700", level="intermediate", parent="I510100"),
    ]
    cycles = [p for p in validate_courts(courts) if "cycle" in p.reason]
    assert len(cycles) == 1
    assert cycles[0].row == 2 and cycles[0].field == "parent_code"
    assert "I510100 -> I510700 -> I510100" in cycles[0].reason and "rows 2, 3" in cycles[0].reason


def test_unknown_parent_and_basic_court_outside_the_network_name_their_rows() -> None:
    courts = [
        make_court("H510000", level="high"),
        make_court("I510100", level="intermediate", parent="H999999"),
        make_court("B510104", parent="I519999"),
    ]
    problems = problem_map(courts)
    assert problems[(2, "parent_code")] == "unknown parent 'H999999'"
    assert "basic court's parent 'I519999' is not a court in this network" == problems[(3, "parent_code")]


def test_duplicate_code_names_both_rows() -> None:
    courts = [
        make_court("H510000", level="high"),
        make_court("I510100", level="intermediate", parent="H510000"),
        make_court("I510100", level="intermediate", parent="H510000"),
    ]
    [problem] = validate_courts(courts)
    assert (problem.row, problem.field, problem.key) == (3, "code", "I510100")
    assert "first at row 2" in problem.reason


def test_level_rules_between_parent_and_child() -> None:
    courts = [
        make_court("H510000", level="high"),
        make_court("B510104", parent="H510000"),
        make_court("I510100", level="intermediate", parent="B510104"),  # intermediate under basic
        make_court("H420000", level="high", parent="H510000"),  # a high court with a parent
        make_court("I420100", level="intermediate"),  # no parent
        make_court("B420102", parent="B420102"),  # its own parent
    ]
    problems = problem_map(courts)
    assert problems[(3, "parent_code")] == "parent B510104 is a basic court"
    assert problems[(4, "parent_code")] == "a high court has no parent in this network"
    assert problems[(5, "parent_code")] == "a intermediate court needs a parent court"
    assert "court is its own parent" in problems[(6, "parent_code")]


def test_constructor_refuses_an_invalid_network_and_says_where() -> None:
    with pytest.raises(DataError) as info:
        CourtNetwork([make_court("H510000", level="high"), make_court("B510104", parent="I519999")])
    assert [(p.row, p.key) for p in info.value.problems] == [(2, "B510104")]
    assert "row 2 (B510104): parent_code" in str(info.value)


# ---------------------------------------------------------------- files


def test_csv_round_trip(net: CourtNetwork, tmp_path) -> None:
    path = tmp_path / "courts.csv"
    path.write_text(courts_to_csv(net), encoding="utf-8")
    again = load_network(path)
    assert [c.model_dump() for c in again] == [c.model_dump() for c in net]
    assert again.content_hash == net.content_hash


def test_json_file_list_or_object(net: CourtNetwork, tmp_path) -> None:
    rows = [c.model_dump(mode="json") for c in net]
    for payload in (rows, {"courts": rows}):
        path = tmp_path / "courts.json"
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        assert load_network(path).codes == net.codes


def test_missing_file_is_not_found(tmp_path) -> None:
    with pytest.raises(NotFound):
        load_network(tmp_path / "nope.csv")


def test_csv_bad_rows_report_row_number_and_field() -> None:
    text = (
        "code,name,level,parent_code,division_code,lat,lon,enforcement_staff,open_cases\n"
        "H510000,四川省高级人民法院,high,,510000,30.6,104.0,40,20000\n"
        "I510100,四川省成都市中级人民法院,middle,H510000,510100,30.7,104.1,60,50000\n"
        "B510104,四川省成都市锦江区人民法院,basic,I510100,5101,91.0,104.1,-3,9000\n"
    )
    with pytest.raises(DataError) as info:
        parse_courts(text, "csv")
    found = {(p.row, p.field, p.key) for p in info.value.problems}
    assert found == {
        (2, "level", "I510100"),
        (3, "division_code", "B510104"),
        (3, "lat", "B510104"),
        (3, "enforcement_staff", "B510104"),
    }


def test_json_bad_rows_report_row_number_and_field() -> None:
    rows = [
        {"code": "H510000", "name": "四川省高级人民法院", "level": "high", "division_code": "510000",
         "enforcement_staff": 40, "open_cases": 1},
        "not a court",
        {"code": "B510104", "name": "x", "level": "basic", "parent_code": "H510000", "division_code": "510104",
         "enforcement_staff": 4},
    ]
    with pytest.raises(DataError) as info:
        parse_courts(json.dumps(rows), "json")
    assert {(p.row, p.field) for p in info.value.problems} == {(2, "-"), (3, "open_cases")}


@pytest.mark.parametrize(("text", "fmt"), [("{not json", "json"), ('{"a": 1}', "json"), ("x", "xml")])
def test_unreadable_input_is_a_data_error(text: str, fmt: str) -> None:
    with pytest.raises(DataError):
        parse_courts(text, fmt)
