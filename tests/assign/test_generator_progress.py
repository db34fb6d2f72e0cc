"""The progress generator: deterministic per case, never dated before the transfer (or filing) nor after as_of,
recovered cumulative and within the amount, concluded only when recovered in full."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from assign.generator import generate_cases
from assign.generator.progress import generate_progress
from assign.outcomes import ProgressKind
from assign.schemas import CaseStatus
from tests.factories import make_network

AS_OF = date(2025, 11, 20)


def test_events_are_deterministic_dated_within_the_case_and_consistent() -> None:
    cases = list(generate_cases(make_network(), 400, seed=3, as_of=AS_OF))
    transfers = {c.case_no: max(c.filed_on + timedelta(days=183), AS_OF - timedelta(days=300)) for c in cases[::2]}
    transfers = {k: v for k, v in transfers.items() if v <= AS_OF}
    events = generate_progress(cases, transfers, seed=9, as_of=AS_OF)
    again = generate_progress(cases[::-1], transfers, seed=9, as_of=AS_OF)  # a case's events: its own draws
    assert sorted(events, key=lambda e: e.key) == sorted(again, key=lambda e: e.key)
    by_no = {c.case_no: c for c in cases}
    measured = {e.case_no for e in events if e.kind is ProgressKind.MEASURE}
    assert 0.6 < len(measured) / len(transfers) < 0.98
    for e in events:
        case = by_no[e.case_no]
        assert transfers.get(e.case_no, case.filed_on) <= e.on <= AS_OF
        if e.kind is ProgressKind.RECOVERED:
            assert e.recovered is not None and Decimal(0) < e.recovered <= case.amount
    for no in transfers:
        steps = [e.recovered for e in events if e.case_no == no and e.kind is ProgressKind.RECOVERED]
        assert steps == sorted(steps)
        if any(e.case_no == no and e.status is CaseStatus.CONCLUDED for e in events):
            assert steps and steps[-1] == by_no[no].amount
