"""Issue 15, faults 1 and 7: strings and dates are constrained when a record is validated.

A hostile value (NUL, bidi override, zero-width character, markup in a case number, a date
near 9999, an evaluation date ahead of the server's today) is a row problem naming the row
and field; the good rows of the same file are stored, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine

from api.service import store
from assign import repository
from assign.db import session_scope
from assign.errors import DataError
from assign.fields import CASE_NO_SHAPE
from assign.generator import generate_cases
from assign.interchange import read_cases
from tests.factories import make_case, make_network

AS_OF = date(2024, 12, 31)
OFFICIAL = ["(2024)渝0237执123号", "（2024）渝0237执恢12号", "(2023)川01执保3号", "(2024)川0104执异45号",
            "(2024)最高法执监1号", "(2024)川执00001号", "(2024)渝0237执123号之一", "(1999)京73执复9号"]
HOSTILE_CASE_NOS = {
    "NUL": "(2024)川0104执1\x00号", "bidi override": "(2024)川0104执\u202e1号", "zero-width": "(2024)川0104执\u200b1号",
    "slash": "(2024)川0104执1/2号", "markup": "<script>alert(1)</script>", "free text": "case one",
    "space": "(2024) 川0104执1号", "year 9999": "(9999)川0104执1号", "too long": "(2024)川0104执" + "1" * 80 + "号",
}


def _row(case_no: str = "(2024)川0104执1号", **overrides: object) -> dict:
    return make_case().model_dump(mode="json") | {"case_no": case_no} | overrides


@pytest.mark.parametrize("case_no", OFFICIAL)
def test_official_case_numbers_and_their_variants_validate(case_no: str) -> None:
    assert make_case(case_no).case_no == case_no


def test_generated_case_numbers_have_the_official_shape() -> None:
    cases = list(generate_cases(make_network(), 300, seed=7, as_of=AS_OF))
    assert cases and all(CASE_NO_SHAPE.fullmatch(c.case_no) for c in cases)


@pytest.mark.parametrize("what", sorted(HOSTILE_CASE_NOS))
def test_a_hostile_case_number_is_a_row_problem(what: str) -> None:
    parsed = read_cases(json.dumps([_row(), _row(HOSTILE_CASE_NOS[what])]), fmt="json")
    assert [c.case_no for c in parsed.cases] == ["(2024)川0104执1号"]
    (problem,) = parsed.problems
    assert (problem.row, problem.field) == (2, "case_no")


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("debtor.name", "某公司\x00", "control character (U+0000)"),
    ("debtor.name", "某\u202e公司", "bidirectional formatting character (U+202E)"),
    ("applicant.name", "张\u200d三", "invisible formatting character (U+200D)"),
    ("applicant.name", "张" * 201, "at most 200 characters"),
    ("debtor.id", "91510104MA6C00000<", "should match pattern"),
    ("court_code", "B510104\u2066", "should match pattern"),
    ("assets[0].id", "A1/../x", "should match pattern"),
])
def test_control_bidi_and_invisible_characters_and_overlong_names_are_refused(field: str, value: str,
                                                                              reason: str) -> None:
    row = _row()
    parent, _, leaf = field.rpartition(".")
    target = row if not parent else (row["assets"][0] if parent == "assets[0]" else row[parent])
    target[leaf] = value
    parsed = read_cases(json.dumps([row]), fmt="json")
    assert parsed.cases == []
    assert [(p.field, reason in p.reason) for p in parsed.problems] == [(field, True)]


def test_free_text_keeps_line_breaks_but_not_controls() -> None:
    order = {"issued_by": "I510100", "issued_on": "2024-06-01", "deadline": "2024-09-01",
             "good_reason": "第一行\n第二行"}
    assert read_cases(json.dumps([_row(supervision_orders=[order])]), fmt="json").cases
    bad = read_cases(json.dumps([_row(supervision_orders=[order | {"good_reason": "x\x1by"}])]), fmt="json")
    assert bad.problems[0].field == "supervision_orders[0].good_reason"


@pytest.mark.parametrize(("field", "value"), [
    ("received_on", "9999-12-31"), ("received_on", "1900-01-01"), ("petitions", ["9999-12-01"]),
    ("measures", [{"kind": "notice", "on": "9998-01-31"}]),
])
def test_dates_outside_the_documented_range_are_row_problems(field: str, value: object) -> None:
    parsed = read_cases(json.dumps([_row(**{field: value})]), fmt="json")  # no as_of: the bound is the format's
    assert parsed.cases == [] and parsed.problems[0].field.startswith(field)
    assert "earliest date" in parsed.problems[0].reason or "latest date" in parsed.problems[0].reason


def test_an_order_deadline_may_lie_ahead_but_not_centuries_ahead() -> None:
    soon = (date.today() + timedelta(days=400)).isoformat()
    order = {"issued_by": "I510100", "issued_on": "2024-06-01", "deadline": soon}
    assert read_cases(json.dumps([_row(supervision_orders=[order])]), fmt="json").cases
    far = read_cases(json.dumps([_row(supervision_orders=[order | {"deadline": "9999-12-31"}])]), fmt="json")
    assert far.problems[0].field == "supervision_orders[0].deadline"


def test_a_nul_row_is_a_row_problem_and_the_good_rows_are_stored(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.replace_network(session=session, network=make_network(), source="tests")
    lines = [_row("(2024)川0104执1号"), _row("(2024)川0104执2号", debtor=_row()["debtor"] | {"name": "某\x00公司"}),
             _row("(2024)川0104执3号")]
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in lines).encode()
    report = store.import_case_file(engine, body, fmt="json", as_of=AS_OF)
    assert report.counts["stored"] == 2
    assert [(p.row, p.field) for p in report.rejected] == [(2, "debtor.name")]
    with session_scope(engine) as session:
        assert repository.count_cases(session=session) == 2


def test_an_evaluation_date_after_the_servers_today_is_refused_on_import(engine: Engine) -> None:
    ahead = date.today() + timedelta(days=1)
    with pytest.raises(DataError, match="as_of: .* is after the server's today"):
        store.import_case_file(engine, json.dumps([_row()]).encode(), fmt="json", as_of=ahead,
                               network=make_network())
