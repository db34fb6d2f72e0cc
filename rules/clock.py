"""The two clocks, as pure date arithmetic (legal-reference §2 CONVENTION, §6).

- The Art. 237 clock starts on receipt of the application (Art. 10(1), 10(3)) or on the
  discovery of the assets (10(2)); only the six Art. 13 kinds are excluded.
- The closing-deadline clock (结案期限) starts the day after filing; its exclusions are the
  wider 审限规定 Art. 9 list.

Both use the same counting rule (the §2 CONVENTION): the start day is not counted; the
nominal end is the corresponding day N months later (or that month's last day); the budget is
the number of days from the start to the nominal end; excluded days, merged so overlaps
count once, do not consume the budget; E is the day the budget is used up; "more than N
months" holds from E + 1. An excluded period still running on the evaluation date is taken
to end on the evaluation date (a projection, recomputed every day).
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from assign.schemas import EXCLUDED_PERIOD_KINDS, Case, Period, PeriodKind

ONE_DAY = timedelta(days=1)
EXTENSION_MONTHS = 3  # 审限规定 Art. 5: the president may extend the closing deadline by three months

# 审限规定 Art. 9 (6)(7)(9)(10)(11)(12): what the closing-deadline clock leaves out, exactly
# (legal-reference §12.7). Art. 9(7) covers a party's jurisdiction objection and disputes between
# courts, never an objection to an enforcement act: `objection_review` (执行行为异议, which does
# not stop enforcement, 执行程序解释 Art. 9) counts. 执行争议协调 is not in Art. 9, so it counts too.
CLOSING_EXCLUDED_KINDS: frozenset[PeriodKind] = frozenset(
    {
        PeriodKind.PUBLIC_NOTICE,
        PeriodKind.APPRAISAL,
        PeriodKind.JURISDICTION_DISPUTE,
        PeriodKind.SUSPENSION,
        PeriodKind.STAY,
        PeriodKind.AUCTION,
    }
)
ART237_EXCLUDED_KINDS: frozenset[PeriodKind] = EXCLUDED_PERIOD_KINDS

Interval = tuple[date, date]  # inclusive


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_ORDINAL = date.max.toordinal()

# Date arithmetic is total: a deadline that falls after 9999-12-31 (the last date Python can
# hold) is computed as a day number and read as "beyond range" (None) instead of raising.
# Day numbers are proleptic Gregorian ordinals, as date.toordinal(), extended past date.max.


def days_in_month(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def ordinal(year: int, month: int, day: int) -> int:
    """date(year, month, day).toordinal(), also for years past 9999."""
    if year <= date.max.year:
        return date(year, month, day).toordinal()
    y = year - 1
    before = y * 365 + y // 4 - y // 100 + y // 400  # days in years 1..year-1
    return before + sum(days_in_month(year, m) for m in range(1, month)) + day


def from_ordinal(n: int) -> date | None:
    """The date of day number `n`, or None when it lies beyond 9999-12-31."""
    return date.fromordinal(n) if n <= _MAX_ORDINAL else None


@functools.lru_cache(maxsize=1 << 16)  # pure; a store pass asks for the same few thousand dates over and over
def add_months_ordinal(day: date, months: int) -> int:
    """Day number of the corresponding day `months` later (the month's last day when it has none)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return ordinal(year, month, min(day.day, days_in_month(year, month)))


def add_months(day: date, months: int) -> date | None:
    """The corresponding day `months` later; the month's last day when it has no such day;
    None when that day lies beyond 9999-12-31."""
    return from_ordinal(add_months_ordinal(day, months))


def add_days(day: date, days: int) -> date | None:
    """`day` + `days`, or None beyond 9999-12-31."""
    return from_ordinal(day.toordinal() + days)


@functools.lru_cache(maxsize=1 << 16)  # pure; a store pass asks it for the same filing dates over and over
def whole_months_between(start: date, end: date) -> int:
    """The largest m with add_months(start, m) <= end (0 when end is before start)."""
    if end <= start:
        return 0
    m = (end.year - start.year) * 12 + end.month - start.month
    last = end.toordinal()
    while m > 0 and add_months_ordinal(start, m) > last:
        m -= 1
    return m


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint, non-adjacent-merged union of inclusive intervals."""
    merged: list[list[date]] = []
    for s, e in sorted(intervals):
        if merged and s.toordinal() <= merged[-1][1].toordinal() + 1:
            if e > merged[-1][1]:
                merged[-1][1] = e
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def excluded_intervals(periods: Iterable[Period], kinds: frozenset[PeriodKind], as_of: date) -> list[Interval]:
    """The periods of `kinds` known on `as_of`, running ones cut at `as_of`, merged."""
    out: list[Interval] = []
    for p in periods:
        if p.kind not in kinds or p.start > as_of:
            continue
        end = as_of if p.end is None or p.end > as_of else p.end
        out.append((p.start, end))
    return merge_intervals(out) if out else []


def running_period(periods: Iterable[Period], kinds: frozenset[PeriodKind], as_of: date) -> Period | None:
    """The earliest-started period of `kinds` still running on `as_of` (no end, or an end after it)."""
    running = [p for p in periods if p.kind in kinds and p.start <= as_of and (p.end is None or p.end > as_of)]
    return min(running, key=lambda p: p.start) if running else None


class ClockReading(NamedTuple):  # built for every case: a NamedTuple, as `rules.facts.Findings`
    start: date  # the day the period runs from (not itself counted)
    nominal_end_ordinal: int  # E0 as a day number (may lie beyond 9999-12-31)
    budget_days: int  # D
    end_ordinal: int  # E as a day number: the day the budget is used up after excluded days
    counted_days: int  # days in (start, as_of] not excluded
    excluded_days: int  # excluded days in (start, as_of]

    @property
    def nominal_end(self) -> date | None:
        return from_ordinal(self.nominal_end_ordinal)

    @property
    def end(self) -> date | None:
        """E, or None when it lies beyond 9999-12-31."""
        return from_ordinal(self.end_ordinal)

    @property
    def exceeded_from(self) -> date | None:
        """The first day on which "more than N months" holds (E + 1); None beyond 9999-12-31."""
        return from_ordinal(self.end_ordinal + 1)

    def exceeded_on(self, as_of: date) -> bool:
        return as_of.toordinal() > self.end_ordinal


def read_clock(start: date, months: int, excluded: list[Interval], as_of: date) -> ClockReading:
    """Merged-interval arithmetic on day numbers; `excluded` must come from `merge_intervals`."""
    if not excluded:
        return _clock_without_exclusions(start, months, as_of)
    first = start.toordinal()
    nominal_end = add_months_ordinal(start, months)
    budget = nominal_end - first
    end = first + budget
    today = as_of.toordinal()
    excluded_to_date = 0
    for s_day, e_day in excluded:
        s, e = s_day.toordinal(), e_day.toordinal()
        if e <= first:
            continue
        s = max(s, first + 1)
        if s <= end:
            end += e - s + 1
        if s <= today:
            excluded_to_date += min(e, today) - s + 1
    elapsed = max(0, today - first)
    return ClockReading(start, nominal_end, budget, end, elapsed - excluded_to_date, excluded_to_date)


@functools.lru_cache(maxsize=1 << 16)  # pure; most cases exclude nothing, and share their start dates
def _clock_without_exclusions(start: date, months: int, as_of: date) -> ClockReading:
    """`read_clock` with nothing excluded: E is the nominal end, every elapsed day counts."""
    first = start.toordinal()
    nominal_end = add_months_ordinal(start, months)
    return ClockReading(start, nominal_end, nominal_end - first, nominal_end, max(0, as_of.toordinal() - first), 0)


def art237_clock(start: date, periods: Iterable[Period], as_of: date) -> ClockReading:
    """Six months from `start` less the Art. 13 periods (legal-reference §2)."""
    if not periods:  # most cases: no period on record, nothing to exclude (an iterator takes the way below)
        return _clock_without_exclusions(start, 6, as_of)
    return read_clock(start, 6, excluded_intervals(periods, ART237_EXCLUDED_KINDS, as_of), as_of)


def closing_clock(filed_on: date, non_litigation: bool, periods: Iterable[Period], as_of: date,
                  extension_months: int = 0) -> ClockReading:
    """Closing deadline: 6 months (3 for 非诉) from the day after filing, less 审限规定 Art. 9 periods,
    plus `extension_months` (an approved extension). A case's deadline is `closing_deadline`."""
    months = (3 if non_litigation else 6) + extension_months
    if not periods:  # most cases, as `art237_clock`
        return _clock_without_exclusions(filed_on, months, as_of)
    return read_clock(filed_on, months, excluded_intervals(periods, CLOSING_EXCLUDED_KINDS, as_of), as_of)


def extension_approved(case: Case, as_of: date) -> bool:
    """An extension of the closing deadline approved on or before `as_of` (format v1.2
    `process.extension_approved_on`; a date after the evaluation date is not yet a fact)."""
    approved = case.process.extension_approved_on if case.process is not None else None
    return approved is not None and approved <= as_of


def closing_deadline(case: Case, as_of: date, extended: bool | None = None) -> ClockReading:
    """The case's closing deadline (结案期限) on `as_of`: the one definition the art237 rulebook
    (`closing_deadline_overdue`) and the node alerts (`closing_deadline`) read.

    审限规定 Arts. 5, 8, 9 (legal-reference §6, §12.7): 6 months (3 for 非诉) from the day after
    filing, plus 3 months once the president approved an extension, less exactly the Art. 9
    periods; overdue from the day after its last day (`ClockReading.exceeded_on`). `extended`:
    `extension_approved(case, as_of)`, when the caller has read it already."""
    if extended is None:
        extended = extension_approved(case, as_of)
    return closing_clock(case.filed_on, case.non_litigation, case.other_periods + case.excluded_periods, as_of,
                         EXTENSION_MONTHS if extended else 0)


def three_months_passed(filed_on: date, on: date) -> bool:
    """终本规定 Art. 1(4): "more than three months since filing" (立案 2024-01-10 -> 2024-04-11)."""
    return on.toordinal() > add_months_ordinal(filed_on, 3)


def earliest_after_months(start: date, months: int) -> date | None:
    """The first day on which "more than `months` months since `start`" holds (None beyond range)."""
    return from_ordinal(add_months_ordinal(start, months) + 1)


def missed_monitoring_windows(ruled_on: date, queries: Iterable[date], as_of: date) -> list[tuple[date, date]]:
    """终本规定 Art. 9 ¶2: within five years of 终本, one online asset query in every six months.

    Each window (ruled_on + 6(k-1) months, ruled_on + 6k months] that has fully elapsed on
    `as_of` (and ends within the five years) without a query, as (first day, last day).
    """
    days = sorted(q.toordinal() for q in queries if q > ruled_on)
    limit = add_months_ordinal(ruled_on, 60)
    today = as_of.toordinal()
    missed: list[tuple[date, date]] = []
    k = 1
    while True:
        lo, hi = add_months_ordinal(ruled_on, 6 * (k - 1)), add_months_ordinal(ruled_on, 6 * k)
        if hi > limit or hi >= today:
            return missed  # hi < as_of: both ends are real dates
        if not any(lo < q <= hi for q in days):
            missed.append((date.fromordinal(lo + 1), date.fromordinal(hi)))
        k += 1


def monitoring_lapse(ruled_on: date, queries: Iterable[date], as_of: date) -> bool:
    """A six-monthly query missed within five years of 终本 (`missed_monitoring_windows`)."""
    return bool(missed_monitoring_windows(ruled_on, queries, as_of))
