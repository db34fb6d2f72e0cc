"""Interchange v1.2: the optional `process` object (assign/process.py)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pydantic import ValidationError

from assign.interchange import read_cases, write_cases
from tests.factories import make_case

PROCESS = {
    "officer_assigned_on": "2024-01-15", "notice_served_on": "2024-01-17", "leads_requested_on": "2024-01-16",
    "leads": [{"given_on": "2024-02-01", "checked_on": "2024-02-04"}, {"given_on": "2024-03-01"}],
    "investigation_requested_on": "2024-02-10", "investigation_started_on": "2024-02-15",
    "concealment_reported_on": "2024-03-02", "control_measures_on": "2024-03-02",
    "extension_requested_on": "2024-07-01", "extension_approved_on": "2024-07-03",
}


def test_a_v1_case_stays_valid_and_has_no_process() -> None:
    assert make_case().process is None


def test_process_round_trips_through_json_and_csv() -> None:
    case = make_case(process=PROCESS)
    assert case.process is not None and case.process.leads[1].checked_on is None
    for fmt in ("json", "csv"):
        buf = io.StringIO()
        write_cases([case], buf, fmt)
        parsed = read_cases(buf.getvalue(), fmt=fmt, as_of=date(2024, 8, 1))
        assert parsed.problems == [] and parsed.cases == [case], fmt


def test_a_lead_checked_before_it_was_given_is_refused() -> None:
    with pytest.raises(ValidationError, match="checked_on 2024-01-31 is before given_on 2024-02-01"):
        make_case(process={"leads": [{"given_on": "2024-02-01", "checked_on": "2024-01-31"}]})


def test_a_start_before_its_request_is_refused() -> None:
    with pytest.raises(ValidationError, match="investigation_started_on 2024-02-09 is before"):
        make_case(process={"investigation_requested_on": "2024-02-10", "investigation_started_on": "2024-02-09"})


def test_a_process_date_after_the_evaluation_date_is_a_row_problem() -> None:
    record = json.loads(make_case(process=PROCESS).model_dump_json())
    parsed = read_cases(json.dumps([record]), fmt="json", as_of=date(2024, 7, 2))
    assert parsed.cases == [] and "2024-07-03" in parsed.problems[0].reason
