"""The two clocks: the §2 CONVENTION examples, edge months, and properties against a day-by-day reference."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import islice, takewhile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assign.schemas import Period, PeriodKind
from rules import clock

D = date


@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2024, 1, 10), 6, D(2024, 7, 10)),
    (D(2024, 8, 31), 6, D(2025, 2, 28)),  # no 31 Feb: the month's last day
    (D(2023, 8, 31), 6, D(2024, 2, 29)),  # leap year
    (D(2024, 12, 15), 3, D(2025, 3, 15)),
    (D(2024, 11, 30), 3, D(2025, 2, 28)),
])
def test_add_months_uses_corresponding_day_or_month_end(start: date, months: int, expected: date) -> None:
    assert clock.add_months(start, months) == expected


def test_receipt_day_not_counted_and_more_than_six_months_from_e_plus_one() -> None:
    r = clock.art237_clock(D(2024, 1, 10), [], D(2024, 7, 10))
    assert r.nominal_end == D(2024, 7, 10) and r.end == D(2024, 7, 10)
    assert r.budget_days == 182 and r.counted_days == 182
    assert not r.exceeded_on(D(2024, 7, 10))
    assert r.exceeded_on(D(2024, 7, 11)) and r.exceeded_from == D(2024, 7, 11)


def test_excluded_days_push_the_end_and_overlaps_count_once() -> None:
    periods = [Period(kind=PeriodKind.PUBLIC_NOTICE, start=D(2024, 2, 1), end=D(2024, 2, 10)),
               Period(kind=PeriodKind.APPRAISAL, start=D(2024, 2, 5), end=D(2024, 2, 20))]
    r = clock.art237_clock(D(2024, 1, 10), periods, D(2024, 12, 31))
    assert r.end == D(2024, 7, 10) + timedelta(days=20)  # 1..20 Feb, once


def test_only_the_six_art13_kinds_stop_the_art237_clock() -> None:
    periods = [Period(kind=PeriodKind.OBJECTION_REVIEW, start=D(2024, 2, 1), end=D(2024, 3, 1)),
               Period(kind=PeriodKind.AUCTION, start=D(2024, 2, 1), end=D(2024, 3, 1)),
               Period(kind=PeriodKind.SETTLEMENT_TALKS, start=D(2024, 2, 1), end=D(2024, 3, 1))]
    assert clock.art237_clock(D(2024, 1, 10), periods, D(2024, 12, 31)).end == D(2024, 7, 10)


def test_closing_clock_has_its_own_exclusions() -> None:
    auction = [Period(kind=PeriodKind.AUCTION, start=D(2024, 2, 1), end=D(2024, 2, 10))]
    coordination = [Period(kind=PeriodKind.DISPUTE_COORDINATION, start=D(2024, 2, 1), end=D(2024, 2, 10))]
    assert clock.closing_clock(D(2024, 1, 12), False, auction, D(2024, 12, 1)).end == D(2024, 7, 22)
    assert clock.closing_clock(D(2024, 1, 12), False, coordination, D(2024, 12, 1)).end == D(2024, 7, 12)
    assert clock.closing_clock(D(2024, 1, 12), True, [], D(2024, 12, 1)).end == D(2024, 4, 12)


def test_running_period_stops_the_clock_up_to_the_evaluation_date() -> None:
    running = [Period(kind=PeriodKind.SUSPENSION, start=D(2024, 6, 1), end=None)]
    r = clock.art237_clock(D(2024, 1, 10), running, D(2024, 9, 1))
    assert not r.exceeded_on(D(2024, 9, 1))
    assert r.counted_days == (D(2024, 5, 31) - D(2024, 1, 10)).days


def test_straddling_period_counts_only_its_days_after_the_start() -> None:
    straddle = [Period(kind=PeriodKind.STAY, start=D(2024, 1, 1), end=D(2024, 1, 20))]
    assert clock.art237_clock(D(2024, 1, 10), straddle, D(2025, 1, 1)).end == D(2024, 7, 20)


def test_zhongben_three_months_example_from_the_reference() -> None:
    assert not clock.three_months_passed(D(2024, 1, 10), D(2024, 4, 10))
    assert clock.three_months_passed(D(2024, 1, 10), D(2024, 4, 11))


@pytest.mark.parametrize(("queries", "as_of", "lapse"), [
    ([], D(2024, 7, 1), False),  # first window (to 2024-07-01) not over yet
    ([], D(2024, 7, 2), True),
    ([D(2024, 3, 1)], D(2024, 12, 1), False),
    ([D(2024, 3, 1)], D(2025, 1, 2), True),  # second window had no query
    ([], D(2031, 1, 1), True),
])
def test_zhongben_monitoring_every_six_months(queries: list[date], as_of: date, lapse: bool) -> None:
    assert clock.monitoring_lapse(D(2024, 1, 1), queries, as_of) is lapse


# ---------------------------------------------------------------- properties against a day-by-day walk


def counted_days_after(start: date, periods: list[tuple[date, date]]) -> Iterator[date]:
    """The days after `start` that count (in no excluded interval), one by one: the reference."""
    day = start
    while True:
        day += timedelta(days=1)
        if not any(s <= day <= e for s, e in periods):
            yield day


def reference_clock_end(start: date, months: int, periods: list[tuple[date, date]]) -> date:
    """Walk from start + 1, skip excluded days, stop at the day that completes the months."""
    budget = clock.add_months_ordinal(start, months) - start.toordinal()
    return next(islice(counted_days_after(start, periods), budget - 1, None)) if budget > 0 else start


def reference_counted_days(start: date, periods: list[tuple[date, date]], as_of: date) -> int:
    return sum(1 for _ in takewhile(lambda day: day <= as_of, counted_days_after(start, periods)))


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 12, 31))
intervals = st.lists(st.tuples(days, st.integers(min_value=0, max_value=120)).map(
    lambda t: (t[0], t[0] + timedelta(days=t[1]))), max_size=6)


@settings(max_examples=150, deadline=None)
@given(start=days, periods=intervals, months=st.sampled_from([3, 6]))
def test_end_matches_the_day_by_day_reference(start: date, periods: list[tuple[date, date]], months: int) -> None:
    merged = clock.merge_intervals(periods)
    assert clock.read_clock(start, months, merged, D(2030, 1, 1)).end == reference_clock_end(
        start, months, periods)


@settings(max_examples=100, deadline=None)
@given(start=days, periods=intervals, as_of=days)
def test_counted_days_match_the_reference(start: date, periods: list[tuple[date, date]], as_of: date) -> None:
    merged = clock.merge_intervals(periods)
    expected = reference_counted_days(start, periods, as_of)
    assert clock.read_clock(start, 6, merged, as_of).counted_days == expected


@settings(max_examples=150, deadline=None)
@given(start=days, periods=intervals, extra=intervals)
def test_adding_an_excluded_period_never_makes_eligibility_earlier(start: date, periods: list, extra: list) -> None:
    base = clock.read_clock(start, 6, clock.merge_intervals(periods), D(2030, 1, 1))
    more = clock.read_clock(start, 6, clock.merge_intervals(periods + extra), D(2030, 1, 1))
    assert more.exceeded_from >= base.exceeded_from


@settings(max_examples=150, deadline=None)
@given(start=days, periods=intervals)
def test_overlapping_periods_count_as_their_union(start: date, periods: list[tuple[date, date]]) -> None:
    doubled = clock.merge_intervals(periods + periods)
    assert doubled == clock.merge_intervals(periods)
    union_days = {s + timedelta(days=i) for s, e in periods for i in range((e - s).days + 1)}
    merged_days = {s + timedelta(days=i) for s, e in clock.merge_intervals(periods) for i in range((e - s).days + 1)}
    assert union_days == merged_days


@settings(max_examples=100, deadline=None)
@given(start=days, periods=intervals, a=days, b=days)
def test_exceeded_is_monotone_in_the_date(start: date, periods: list, a: date, b: date) -> None:
    early, late = min(a, b), max(a, b)
    ps = [Period(kind=PeriodKind.SUSPENSION, start=s, end=e) for s, e in periods]
    if clock.art237_clock(start, ps, early).exceeded_on(early):
        assert clock.art237_clock(start, ps, late).exceeded_on(late)


def test_objection_review_counts_on_both_clocks_s12_7() -> None:
    """§12.7: 审限规定 Art. 9(7) covers jurisdiction objections and disputes between courts, not objections
    to enforcement acts (执行程序解释 Art. 9: they do not stop enforcement): the review days count."""
    review = [Period(kind=PeriodKind.OBJECTION_REVIEW, start=D(2024, 2, 1), end=D(2024, 2, 10))]
    assert clock.closing_clock(D(2024, 1, 12), False, review, D(2024, 12, 1)).end == D(2024, 7, 12)
    assert clock.art237_clock(D(2024, 1, 10), review, D(2024, 12, 1)).end == D(2024, 7, 10)


@pytest.mark.parametrize(("kind", "pushed"), [
    (PeriodKind.AUCTION, 10), (PeriodKind.SUSPENSION, 10), (PeriodKind.STAY, 10), (PeriodKind.APPRAISAL, 10),
    (PeriodKind.PUBLIC_NOTICE, 10), (PeriodKind.JURISDICTION_DISPUTE, 10),
    (PeriodKind.OBJECTION_REVIEW, 0), (PeriodKind.SETTLEMENT_TALKS, 0), (PeriodKind.DISPUTE_COORDINATION, 0),
])
def test_closing_clock_excludes_exactly_the_art_9_periods(kind: PeriodKind, pushed: int) -> None:
    """§12.7 / 审限规定 Art. 9 (6)(7)(9)(10)(11)(12): ten days of each kind push the deadline by 10 or 0 days."""
    periods = [Period(kind=kind, start=D(2024, 2, 1), end=D(2024, 2, 10))]
    reading = clock.closing_clock(D(2024, 1, 12), False, periods, D(2024, 12, 1))
    assert reading.end == D(2024, 7, 12) + timedelta(days=pushed)
