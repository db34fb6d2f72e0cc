"""Parsing the interchange format: every bad row reported with row, field and reason."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from assign.errors import DataError
from assign.interchange import read_cases, write_cases
from tests.factories import make_case, make_network


def _case_dict(case_no: str = "(2024)川0104执1号", **overrides: object) -> dict:
    d = make_case(case_no).model_dump(mode="json")
    d.update(overrides)
    return d


def test_valid_rows_kept_and_each_invalid_row_reported() -> None:
    rows = [
        _case_dict("(2024)川0104执1号"),
        _case_dict("(2024)川0104执2号", amount="-5"),
        _case_dict("(2024)川0104执3号", filed_on="2024-01-01"),  # before received_on 2024-01-10
        _case_dict("(2024)川0104执4号", court_code="B999999"),
        _case_dict("(2024)川0104执5号", excluded_periods=[{"kind": "holiday", "start": "2024-02-01", "end": None}]),
        _case_dict("(2024)川0104执6号",
                   excluded_periods=[{"kind": "stay", "start": "2024-03-01", "end": "2024-02-01"}]),
        _case_dict("(2024)川0104执7号", measures=[{"kind": "notice", "on": "2025-01-01"}]),
        _case_dict("(2024)川0104执8号", assets=[_case_dict()["assets"][0], _case_dict()["assets"][0]]),
        _case_dict("(2024)川0104执1号"),
        _case_dict("(2024)川0104执10号"),
    ]
    parsed = read_cases(json.dumps(rows, ensure_ascii=False), fmt="json", as_of=date(2024, 12, 31),
                        network=make_network())
    assert [c.case_no for c in parsed.cases] == ["(2024)川0104执1号", "(2024)川0104执10号"]
    assert parsed.rows == [1, 10]
    by_row = {p.row: p for p in parsed.problems}
    assert set(by_row) == {2, 3, 4, 5, 6, 7, 8, 9}
    assert by_row[2].field == "amount" and "greater than or equal to 0" in by_row[2].reason
    assert by_row[3].field == "filed_on" and "before received_on" in by_row[3].reason
    assert by_row[4].field == "court_code" and "B999999" in by_row[4].reason
    assert by_row[5].field.startswith("excluded_periods[0].kind")
    assert by_row[6].field == "excluded_periods[0]" and "before start" in by_row[6].reason
    assert by_row[7].field == "dates" and "after the evaluation date" in by_row[7].reason
    assert by_row[8].field == "assets" and "duplicate" in by_row[8].reason
    assert by_row[9].field == "case_no" and "first at row 1" in by_row[9].reason


def test_a_problem_names_its_record_by_a_string_key_only() -> None:
    """Cases and register records are checked by one row validator: the problem carries the record's key when it
    is a non-empty string (cut to 64), never a number or object standing where the key belongs."""
    rows = [_case_dict("(2024)川0104执1号", amount="-5"), {**_case_dict(amount="-5"), "case_no": None},
            {**_case_dict(amount="-5"), "case_no": 510104198001010011}, "not an object"]
    parsed = read_cases(json.dumps(rows, ensure_ascii=False), fmt="json")
    keys = {p.row: p.key for p in parsed.problems}
    assert keys[1] == "(2024)川0104执1号" and keys[2] is None and keys[3] is None and keys[4] is None
    assert any(p.row == 4 and p.reason == "a case must be a JSON object" for p in parsed.problems)


def test_other_period_kind_in_excluded_list_is_rejected() -> None:
    rows = [_case_dict(excluded_periods=[{"kind": "auction", "start": "2024-02-01", "end": "2024-03-01"}])]
    parsed = read_cases(json.dumps(rows), fmt="json")
    assert parsed.cases == []
    assert parsed.problems[0].field == "excluded_periods" and "not one of the six" in parsed.problems[0].reason


def test_csv_round_trip_and_bad_json_cell() -> None:
    cases = [make_case("(2024)川0104执1号"), make_case("(2024)川0104执2号", petitions=[date(2024, 3, 1)])]
    buf = io.StringIO()
    assert write_cases(cases, buf, "csv") == 2
    text = buf.getvalue()
    assert read_cases(text, fmt="csv").cases == cases
    broken = text.replace('"[{""id"":""A1""', '"[{""id"":', 1)
    parsed = read_cases(broken, fmt="csv")
    assert len(parsed.cases) == 1
    assert parsed.problems[0].row == 1 and parsed.problems[0].field == "assets"


def test_json_lines_and_wrapped_object() -> None:
    lines = "\n".join(make_case(f"(2024)川0104执{i}号").model_dump_json() for i in range(3))
    assert len(read_cases(lines, fmt="json").cases) == 3
    wrapped = json.dumps({"cases": [_case_dict()]})
    assert len(read_cases(wrapped, fmt="json").cases) == 1


def test_unreadable_input_is_a_data_error() -> None:
    with pytest.raises(DataError, match="not valid JSON"):
        read_cases("[{", fmt="json")
    with pytest.raises(DataError, match="lacks required columns"):
        read_cases("case_no,amount\nx,1\n", fmt="csv")


def test_unreadable_csv_tail_is_reported_not_raised() -> None:
    buf = io.StringIO()
    write_cases([make_case("(2024)川0104执1号")], buf, "csv")
    text = buf.getvalue() + "(2024)川0104执2号\rB510104,money\n"  # a bare CR inside an unquoted cell
    parsed = read_cases(text, fmt="csv")
    assert [c.case_no for c in parsed.cases] == ["(2024)川0104执1号"]
    assert [(p.row, p.field) for p in parsed.problems] == [(2, "-")]
    assert "unreadable CSV" in parsed.problems[0].reason
