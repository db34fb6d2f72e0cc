"""What every transfer achieved, per receiving court (issue 17 §3), against the court's own cases and the province.

A case is *transferred* when a decision bound it to a receiving court (`decisions.binding_decisions`) on or
before `as_of`; its clock starts on the day of that decision. A court's *own* cases are the cases it holds
(`court_code`) that were never transferred; their clock starts on `filed_on`. Only facts dated on or after the
start and on or before `as_of` count: measures in the case record and progress events (`assign.outcomes`).

CONVENTIONS (the SPC reports "取得实质进展或执结" — 72,843 cross-enforced, 23,119 with substantial progress or
resolved by 2024-07-03, legal-reference §7 — without defining progress; these are ours):
- *first measure*: the first compulsory measure (not the 执行通知 notice nor an online asset query, which every
  case gets at once); figure: median days from the start.
- *substantive progress* (实质进展) by day N: the case was concluded (status event), or the amount recovered rose
  above its value at the start, or an asset was disposed of (sale, eviction carried out, substitute performance,
  an auction round that sold) — the first such fact dated within N days of the start. Measured at 90 days
  ("3 months") and 180 days ("6 months") over the cases whose window has closed by `as_of` (the *eligible* ones).
- *recovery rate*: Σ recovered / Σ amount over money cases with an amount; recovered = the latest recovered event
  by `as_of`, else the case record's figure.
- *province*: the transferred cases received by every receiving court of that province (also those outside a
  dispatcher's jurisdiction: totals), and those courts' own cases (bounded by the receiving courts' caseload,
  not every court of the province).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session

from assign import repository
from assign.decisions import binding_decisions
from assign.network import CourtNetwork
from assign.outcomes import ProgressEvent, ProgressKind, progress_by_case
from assign.schemas import Case, CaseStatus, MeasureKind, MeasureResult, Obligation

WINDOWS = (90, 180)
NOT_COMPULSORY = {MeasureKind.NOTICE, MeasureKind.ASSET_QUERY}
DISPOSALS = {MeasureKind.SALE, MeasureKind.EVICTION, MeasureKind.SUBSTITUTE_PERFORMANCE}


class Figures(BaseModel):
    cases: int = 0
    with_measure: int = 0
    median_days_to_first_measure: float | None = None
    amount: Decimal = Decimal(0)
    recovered: Decimal = Decimal(0)
    recovery_rate: float | None = None
    eligible_3m: int = 0
    progressed_3m: int = 0
    share_3m: float | None = None
    eligible_6m: int = 0
    progressed_6m: int = 0
    share_6m: float | None = None


class CourtOutcome(BaseModel):
    court_code: str
    court_name: str
    province: str
    transferred: Figures
    own: Figures


class ProvinceOutcome(BaseModel):
    province: str
    province_name: str
    transferred: Figures
    own: Figures


class OutcomeReport(BaseModel):
    as_of: date
    courts: list[CourtOutcome]
    provinces: list[ProvinceOutcome]


@dataclass(frozen=True)
class CaseResult:
    """One case's facts as the report counts them."""

    start: date
    amount: Decimal
    recovered: Decimal
    days_to_first_measure: int | None
    progress_on: date | None


def case_result(case: Case, start: date, progress: Sequence[ProgressEvent], as_of: date) -> CaseResult:
    measures = [(m.kind, m.result, m.on) for m in case.measures]
    measures += [(e.measure, e.result, e.on) for e in progress if e.kind is ProgressKind.MEASURE and e.measure]
    measures = [m for m in measures if start <= m[2] <= as_of]
    compulsory = [on for kind, _, on in measures if kind not in NOT_COMPULSORY]
    recovered_events = [e for e in progress if e.kind is ProgressKind.RECOVERED and e.recovered is not None
                        and e.on <= as_of]
    before = [e.recovered for e in recovered_events if e.on < start and e.recovered is not None]
    baseline = before[-1] if before else Decimal(0)
    progress_days = [on for kind, result, on in measures
                     if kind in DISPOSALS or (kind is MeasureKind.AUCTION and result is MeasureResult.SOLD)]
    progress_days += [e.on for e in recovered_events if e.on >= start and (e.recovered or 0) > baseline]
    progress_days += [e.on for e in progress if e.kind is ProgressKind.STATUS and e.status is CaseStatus.CONCLUDED
                      and start <= e.on <= as_of]
    recovered = recovered_events[-1].recovered if recovered_events else case.recovered
    return CaseResult(start=start, amount=case.amount if case.obligation is Obligation.MONEY else Decimal(0),
                      recovered=recovered or Decimal(0),
                      days_to_first_measure=(min(compulsory) - start).days if compulsory else None,
                      progress_on=min(progress_days) if progress_days else None)


def figures(results: Iterable[CaseResult], as_of: date) -> Figures:
    f = Figures()
    days: list[int] = []
    eligible = dict.fromkeys(WINDOWS, 0)
    progressed = dict.fromkeys(WINDOWS, 0)
    for r in results:
        f.cases += 1
        if r.days_to_first_measure is not None:
            days.append(r.days_to_first_measure)
        if r.amount > 0:
            f.amount += r.amount
            f.recovered += min(r.recovered, r.amount)
        for w in WINDOWS:
            if r.start + timedelta(days=w) <= as_of:
                eligible[w] += 1
                if r.progress_on is not None and r.progress_on <= r.start + timedelta(days=w):
                    progressed[w] += 1
    f.with_measure = len(days)
    f.median_days_to_first_measure = float(statistics.median(days)) if days else None
    f.recovery_rate = round(float(f.recovered / f.amount), 4) if f.amount else None
    f.eligible_3m, f.eligible_6m = eligible[WINDOWS[0]], eligible[WINDOWS[1]]
    f.progressed_3m, f.progressed_6m = progressed[WINDOWS[0]], progressed[WINDOWS[1]]
    f.share_3m = round(f.progressed_3m / f.eligible_3m, 4) if f.eligible_3m else None
    f.share_6m = round(f.progressed_6m / f.eligible_6m, 4) if f.eligible_6m else None
    return f


def province_of(network: CourtNetwork, code: str) -> str:
    return network.get(code).division_code[:2] if code in network else "??"


def province_name(network: CourtNetwork, province: str) -> str:
    highs = [c.name for c in network if c.level.value == "high" and c.division_code.startswith(province)]
    return highs[0] if highs else province


def outcome_report(*, session: Session, network: CourtNetwork, as_of: date,
                   court_codes: Sequence[str] | None = None, province: str | None = None) -> OutcomeReport:
    """Figures for every receiving court of a transfer decided by `as_of` (within `court_codes`, None = all,
    and `province`, a two-digit division prefix). A province's figures cover all its receiving courts, also
    those outside `court_codes`: they are totals, and a dispatcher compares its courts with the whole province."""
    bound = {no: d for no, d in binding_decisions(session=session).items() if d.created_at.date() <= as_of}
    scope = None if court_codes is None else set(court_codes)
    shown_provinces = {province_of(network, d.target_court or "") for d in bound.values()
                       if scope is None or d.target_court in scope}
    if province is not None:
        shown_provinces &= {province}
    receiving = {no: (d.target_court or "", d.created_at.date()) for no, d in bound.items()
                 if province_of(network, d.target_court or "") in shown_provinces}
    courts = sorted({court for court, _ in receiving.values()})
    transferred_cases = repository.get_cases(session=session, case_nos=sorted(receiving))
    own_cases = [c for batch in repository.iter_cases(session=session, status=None, court_codes=courts)
                 for c in batch if c.case_no not in bound and c.filed_on <= as_of]
    progress = progress_by_case(session=session, case_nos=[c.case_no for c in (*transferred_cases, *own_cases)],
                                until=as_of)
    per_court: dict[str, dict[str, list[CaseResult]]] = defaultdict(lambda: {"transferred": [], "own": []})
    for case in transferred_cases:
        court, start = receiving[case.case_no]
        per_court[court]["transferred"].append(case_result(case, start, progress.get(case.case_no, []), as_of))
    for case in own_cases:
        per_court[case.court_code]["own"].append(case_result(case, case.filed_on, progress.get(case.case_no, []),
                                                             as_of))
    rows = [CourtOutcome(court_code=c, court_name=network.get(c).name if c in network else c,
                         province=province_of(network, c), transferred=figures(per_court[c]["transferred"], as_of),
                         own=figures(per_court[c]["own"], as_of)) for c in courts if scope is None or c in scope]

    def of_province(p: str, side: str) -> Iterable[CaseResult]:
        return (r for c in courts if province_of(network, c) == p for r in per_court[c][side])

    return OutcomeReport(as_of=as_of, courts=rows, provinces=[
        ProvinceOutcome(province=p, province_name=province_name(network, p),
                        transferred=figures(of_province(p, "transferred"), as_of),
                        own=figures(of_province(p, "own"), as_of)) for p in sorted(shown_provinces)])
