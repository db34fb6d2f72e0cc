"""Progress events for a generated store (issue 17 §3; docs/workload.md "Progress of cases").

Pure: cases (and, for transferred ones, the day of the transfer) in, `ProgressEvent`s out, each case drawn from a
generator seeded by its case number, so a case's events do not depend on which other cases are drawn. Every share
is a CHOICE (no statistics of progress after transfer were found beyond the SPC's totals, legal-reference §7, which
the shares roughly follow: about a third of transferred cases with substantive progress). Events after `as_of`
are left out (not yet happened).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from assign.outcomes import ProgressEvent, ProgressKind
from assign.schemas import AssetKind, Case, CaseStatus, MeasureKind, MeasureResult, Obligation

MEASURED = 0.85  # transferred cases with a compulsory measure
RECOVERING = 0.40  # money cases with something recovered after the transfer
DISPOSED = 0.15  # an asset sold
ZHONGBEN = 0.20  # of the transferred cases with nothing recovered


def _rng(seed: int, case_no: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(f"{seed}:{case_no}".encode()).digest()[:8], "big"))


def _days_to_first_measure(rng: random.Random) -> int:
    u = rng.random()
    return rng.randint(1, 15) if u < 0.6 else rng.randint(16, 60) if u < 0.9 else rng.randint(61, 180)


def transferred_progress(case: Case, start: date, *, seed: int, as_of: date) -> list[ProgressEvent]:
    """What the receiving court did after `start`: a first measure, recovery in one or two steps, a sale,
    concluded when recovered in full, else sometimes 终本."""
    rng = _rng(seed, case.case_no)
    out: list[ProgressEvent] = []
    no = case.case_no
    if rng.random() >= MEASURED:
        return out
    first = start + timedelta(days=_days_to_first_measure(rng))
    kind = MeasureKind.FREEZE if any(a.kind is AssetKind.DEPOSIT for a in case.assets) else MeasureKind.SEIZE
    out.append(ProgressEvent(case_no=no, kind=ProgressKind.MEASURE, on=first, measure=kind))
    day = first
    if rng.random() < DISPOSED:
        day = first + timedelta(days=rng.randint(40, 200))
        out.append(ProgressEvent(case_no=no, kind=ProgressKind.MEASURE, on=day, measure=MeasureKind.AUCTION,
                                 result=MeasureResult.SOLD))
    owed = case.amount - case.recovered
    recovered = case.recovered
    if case.obligation is Obligation.MONEY and owed > 0 and rng.random() < RECOVERING:
        for _ in range(1 if rng.random() < 0.5 else 2):
            day = day + timedelta(days=rng.randint(10, 150))
            recovered = min(case.amount, recovered + (owed * Decimal(str(round(rng.uniform(0.2, 1.0), 2)))).quantize(
                Decimal("0.01")))
            out.append(ProgressEvent(case_no=no, kind=ProgressKind.RECOVERED, on=day, recovered=recovered))
        if recovered >= case.amount:
            out.append(ProgressEvent(case_no=no, kind=ProgressKind.STATUS, on=day, status=CaseStatus.CONCLUDED))
    elif rng.random() < ZHONGBEN:
        out.append(ProgressEvent(case_no=no, kind=ProgressKind.STATUS, on=first + timedelta(days=rng.randint(90, 300)),
                                 status=CaseStatus.ZHONGBEN))
    return [e for e in out if e.on <= as_of]


def own_progress(case: Case, *, seed: int, as_of: date) -> list[ProgressEvent]:
    """A case that stayed where it was: its record's recovered amount and closing status, dated (the record
    itself carries no date for them): recovered on a day after filing, concluded on that day, 终本 on its ruling."""
    rng = _rng(seed, case.case_no)
    out: list[ProgressEvent] = []
    span = max(1, min(365, (as_of - case.filed_on).days))
    day = case.filed_on + timedelta(days=rng.randint(1, span))
    if case.recovered > 0:
        out.append(ProgressEvent(case_no=case.case_no, kind=ProgressKind.RECOVERED, on=day, recovered=case.recovered))
    if case.status is CaseStatus.CONCLUDED:
        out.append(ProgressEvent(case_no=case.case_no, kind=ProgressKind.STATUS, on=day, status=CaseStatus.CONCLUDED))
    if case.status is CaseStatus.ZHONGBEN and case.zhongben is not None:
        out.append(ProgressEvent(case_no=case.case_no, kind=ProgressKind.STATUS, on=case.zhongben.ruled_on,
                                 status=CaseStatus.ZHONGBEN))
    return [e for e in out if e.on <= as_of]


def generate_progress(cases: Iterable[Case], transfers: Mapping[str, date], *, seed: int,
                      as_of: date) -> list[ProgressEvent]:
    """Events for every case: `transfers` maps a transferred case to the day of its transfer."""
    out: list[ProgressEvent] = []
    for case in cases:
        start = transfers.get(case.case_no)
        out += (transferred_progress(case, start, seed=seed, as_of=as_of) if start is not None
                else own_progress(case, seed=seed, as_of=as_of))
    return out
