"""Case + court network + evaluation date + batch context -> one flat, typed fact dict.

Fact names live in `rules/fact_registry.py` (FACTS, re-exported here); the typed readings
behind the §12 facts come from `rules/findings.py` and travel with the facts (`Findings`) so
that the verdict's sentences (`rules/explain.py`) are rendered from the same data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from assign.errors import DataError
from assign.network import CourtNetwork
from assign.schemas import Case, CaseStatus, MeasureKind, Obligation, PartyKind, Period, PeriodKind
from rules import clock, findings
from rules.fact_registry import FACTS, RECORD_TYPE, RESERVED_FIELDS, FactSpec, check_fact_types

__all__ = ["FACTS", "RECORD_TYPE", "RESERVED_FIELDS", "BatchContext", "CaseFacts", "FactSpec", "Findings",
           "build_facts", "check_fact_types", "forum_of"]

_CLOSED = {CaseStatus.CONCLUDED, CaseStatus.TERMINATED, CaseStatus.TRANSFERRED}
# §12.8: unfinished (未实结) cases are open and 终本 ones; concluded, terminated, transferred are not.
UNFINISHED_STATUSES: frozenset[CaseStatus] = frozenset({CaseStatus.OPEN, CaseStatus.ZHONGBEN})
_ACT_OBLIGATIONS = {Obligation.BEHAVIOUR, Obligation.DELIVERY}  # §12.5: 10(3) covers both
# A member's text as a plain str (the engine's facts have exact types): `.value` is a descriptor
# call per read, a look-up here costs a tenth of it.
_TEXT: dict[StrEnum, str] = {m: m.value for kind in (Obligation, PartyKind) for m in kind}


@dataclass(frozen=True)
class BatchContext:
    """Unfinished cases per debtor id across the batch (or the whole store), and the case numbers
    known to be finished (a linked number naming one of them is not counted, §12.8)."""

    debtor_open_cases: Mapping[str, int] = field(default_factory=dict)
    finished_case_nos: frozenset[str] = frozenset()

    @classmethod
    def from_cases(cls, cases: Iterable[Case]) -> BatchContext:
        listed = list(cases)
        return cls(Counter(c.debtor.id for c in listed if c.status in UNFINISHED_STATUSES),
                   frozenset(c.case_no for c in listed if c.status not in UNFINISHED_STATUSES))


# The records built for every case of the store pass are NamedTuples rather than frozen dataclasses:
# as immutable and typed, and built about five times faster (a frozen dataclass sets each field
# through object.__setattr__: 2.2 us for Findings' thirteen fields, 0.4 us as a NamedTuple).


class Findings(NamedTuple):
    """The typed readings behind the facts, kept for the explanations (rules/explain.py)."""

    case: Case
    as_of: date
    art237: clock.ClockReading | None
    closing: clock.ClockReading
    orders: findings.OrderReading
    act: findings.ActMeasures | None
    stalled: findings.StalledAsset | None
    zhongben_assets: tuple[findings.ZhongbenAsset, ...]
    running_period: Period | None  # an Art. 13 period still running on as_of
    debtor_local: bool
    linked_unfinished: int
    enforcing_court: str
    network: CourtNetwork  # for the courts' names in the sentences


class CaseFacts(NamedTuple):
    case_no: str
    facts: dict[str, bool | int | str]
    clock_start: date | None
    eligible_from: date | None
    forum: str | None
    eligible_from_projected: date | None = None  # §12.11: if the running period ended today
    found: Findings | None = None


def forum_of(case: Case, network: CourtNetwork) -> str | None:
    """上一级 of the enforcing court; of the entrusted court for an entrusted case (委托执行规定 Art. 11)."""
    court = case.entrusted.to_court if case.entrusted else case.court_code
    parent = network.parent(court)
    return parent.code if parent else None


def _check_courts(case: Case, network: CourtNetwork) -> None:
    # the codes `Case.court_codes` names, read without building its dict (which names them for the message)
    if (case.court_code in network and (case.entrusted is None or case.entrusted.to_court in network)
            and (case.application is None or case.application.filed_with in network)
            and (not case.supervision_orders or all(o.issued_by in network for o in case.supervision_orders))):
        return
    for where, code in case.court_codes().items():
        if code not in network:
            raise DataError(f"case {case.case_no}: {where} names unknown court {code!r}")


def _basis(case: Case, as_of: date) -> tuple[str, str, date | None]:
    """(basis, basis_kind, clock start) per Art. 10, the first item that applies."""
    if case.obligation in _ACT_OBLIGATIONS:
        return ("10(3)", "clock", case.received_on)  # measures are judged once the clock is known
    assets = case.assets
    if case.restored_on is not None and case.restored_on <= as_of and case.zhongben is not None:
        # CONVENTION: a restored case runs a new clock from the discovery of the new assets (10(2)).
        ruled = case.zhongben.ruled_on
        assets = [a for a in assets if not a.available_at_application and a.discovered_on
                  and ruled <= a.discovered_on <= as_of]
        pending = [a for a in assets if a.disposed_on is None or a.disposed_on > as_of]
        if pending:
            return ("10(2)", "clock", min(a.discovered_on for a in pending if a.discovered_on is not None))
        return ("10(2)", "clock", case.restored_on) if not assets else ("none", "enforced", None)
    if not assets:
        return ("none", "none", None)  # most cases: no asset on record (what the lines below give for none)
    pending = [a for a in assets if a.disposed_on is None or a.disposed_on > as_of]
    if any(a.available_at_application for a in pending):
        return ("10(1)", "clock", case.received_on)
    discovered = [a.discovered_on for a in pending if a.discovered_on is not None and a.discovered_on <= as_of]
    if discovered:
        return ("10(2)", "clock", min(discovered))
    if any(a.discovered_on is None for a in pending if not a.available_at_application):
        return ("10(4)", "manual", None)  # assets known, no date to start a clock: manual review
    if assets and not pending:
        return ("none", "enforced", None)
    return ("none", "none", None)


def _order_state(case: Case, as_of: date) -> str:
    if not case.supervision_orders:
        return "none"
    issued = [o for o in case.supervision_orders if o.issued_on <= as_of]
    if not issued:
        return "none"
    latest = max(issued, key=lambda o: (o.issued_on, o.deadline))
    if as_of <= latest.deadline:
        return "running"
    return "passed_good_reason" if (latest.good_reason or "").strip() else "passed_no_reason"


def _act_basis(act: findings.ActMeasures, exceeded: bool) -> tuple[str, str]:
    """§12.5: (basis, basis_kind) of an act obligation from the measures taken within six months."""
    if act.compelling:
        return "none", "none"  # 10(3) defeated: a corresponding measure was taken in time
    if act.eviction_notices:
        return ("10(4)", "manual") if exceeded else ("none", "none")  # the act may stay undone: 10(4)
    if act.unclassified:
        return "10(3)", "manual"  # CONVENTION: a measure of kind `other` is left to manual review
    return "10(3)", "clock"


def _linked_count(case: Case, batch: BatchContext | None) -> int:
    """CONVENTION: the larger of the debtor's unfinished cases in the batch/store and 1 + the linked
    numbers not known to be finished, so linked cases inside the batch count once."""
    in_batch = batch.debtor_open_cases.get(case.debtor.id, 0) if batch else 0
    finished = batch.finished_case_nos if batch else frozenset()
    if not case.related_case_nos:
        return max(in_batch, 1)
    return max(in_batch, 1 + sum(1 for n in case.related_case_nos if n not in finished))


def build_facts(case: Case, network: CourtNetwork, as_of: date, batch: BatchContext | None = None) -> CaseFacts:
    """The flat fact record for one case on `as_of`. Events dated after `as_of` are ignored. The record
    is checked against FACTS (`check_fact_types`) when it is evaluated (`rules.evaluate.fired_sets`)."""
    _check_courts(case, network)
    court = findings.enforcing_court(case)
    parent = network.parent(court)  # `forum_of`, with the enforcing court read once for the findings too
    forum = parent.code if parent else None
    basis, basis_kind, start = _basis(case, as_of)
    if start is not None and case.entrusted is not None:
        start = max(start, case.entrusted.filed_on)  # 委托执行规定 Art. 11: six months at the entrusted court
    reading = clock.art237_clock(start, case.excluded_periods, as_of) if start is not None else None
    exceeded = reading is not None and reading.exceeded_on(as_of)
    act = None
    if reading is not None and case.obligation in _ACT_OBLIGATIONS:
        act = findings.read_act_measures(case.measures, min(as_of, reading.end or as_of))
        basis, basis_kind = _act_basis(act, exceeded)
    if case.application is None or case.application.on > as_of:
        application_state = "none"
    else:
        application_state = "at_forum" if case.application.filed_with == forum else "wrong_court"
    if case.status in _CLOSED:
        case_state = "closed"
    elif case.status == CaseStatus.ZHONGBEN:
        case_state = "zhongben"
    else:
        case_state = "open"
    extended = clock.extension_approved(case, as_of)
    closing = clock.closing_deadline(case, as_of, extended)  # with an approved extension, as the node alerts read it
    seized = [a.seized_on for a in case.assets
              if a.seized_on and a.seized_on <= as_of and (a.disposed_on is None or a.disposed_on > as_of)] \
        if case.assets else None
    zb = case.zhongben if case.zhongben is not None and case.zhongben.ruled_on <= as_of else None
    auction_tried = zb is not None and (
        any(m.kind == MeasureKind.AUCTION and m.on <= zb.ruled_on for m in case.measures)
        or any(p.kind == PeriodKind.AUCTION and p.start <= zb.ruled_on for p in case.other_periods))
    zb_assets = tuple(findings.read_zhongben_assets(case)) if zb is not None else ()
    running = [(as_of - p.start).days + 1 for p in case.excluded_periods
               if p.kind in (PeriodKind.STAY, PeriodKind.SUSPENSION) and p.start <= as_of
               and (p.end is None or p.end >= as_of)] if case.excluded_periods else None
    orders = findings.read_orders(case, start, as_of)
    stalled = findings.read_stalled_asset(case, as_of) if case.assets else None  # none without assets
    local = findings.debtor_is_local(case, network, court)
    linked = _linked_count(case, batch)
    facts: dict[str, bool | int | str] = {
        "case_state": case_state,
        "obligation": _TEXT[case.obligation],
        "application_state": application_state,
        "basis": basis,
        "basis_kind": basis_kind,
        "period_exceeded": exceeded,
        "countable_days": reading.counted_days if reading is not None else 0,
        "order_state": _order_state(case, as_of) if case.supervision_orders else "none",
        "restored": case.restored_on is not None and case.restored_on <= as_of,
        "debtor_kind": _TEXT[case.debtor.kind],
        "debtor_key_local_taxpayer": bool(case.debtor.key_local_taxpayer),
        "petition_count": sum(1 for d in case.petitions if d <= as_of) if case.petitions else 0,
        "interference_count": sum(1 for d in case.interference_reports if d <= as_of)
        if case.interference_reports else 0,
        "linked_case_count": linked,
        "officer_conflict": bool(case.officer_conflict),
        "amount_yuan": int(case.amount),
        "closing_deadline_overdue": case_state == "open" and closing.exceeded_on(as_of),
        "months_since_filing": clock.whole_months_between(case.filed_on, as_of),
        "oldest_undisposed_seizure_months": clock.whole_months_between(min(seized), as_of) if seized else 0,
        "three_months_since_filing": clock.three_months_passed(case.filed_on, as_of),
        "zhongben_too_early": zb is not None and not clock.three_months_passed(case.filed_on, zb.ruled_on),
        "zhongben_undisposed_assets": len(zb.undisposed_asset_ids) if zb else 0,
        "zhongben_auction_tried": auction_tried,
        "zhongben_monitoring_lapse": zb is not None and case.restored_on is None
        and clock.monitoring_lapse(zb.ruled_on, zb.asset_queries, as_of),
        "open_suspension_days": max(running) if running else 0,
        "order_reading": orders.state,
        "premature_application": application_state != "none" and not exceeded,
        "stalled_asset_months": stalled.months if stalled else 0,
        "stalled_asset_no_progress": stalled is not None and stalled.no_progress_after is not None,
        "zhongben_assets_without_ground": sum(1 for z in zb_assets if not z.ground) if zb_assets else 0,
        "local_debtor_kind": _TEXT[case.debtor.kind] if local else "not_local",
        "local_key_taxpayer": local and bool(case.debtor.key_local_taxpayer),
        "closing_extension_approved": extended,
    }
    period = clock.running_period(case.excluded_periods, clock.ART237_EXCLUDED_KINDS, as_of) \
        if case.excluded_periods else None
    found = Findings(case, as_of, reading, closing, orders, act, stalled, zb_assets, period, local, linked,
                     court, network)
    if case_state != "open":
        return CaseFacts(case.case_no, facts, None, None, forum, None, found)  # §12.11: no clock dates
    eligible_from = reading.exceeded_from if reading is not None else None
    if period is not None and not exceeded:
        # §12.11: while an excluded period runs, the first eligible day is not yet a fact.
        return CaseFacts(case.case_no, facts, start, None, forum, eligible_from, found)
    return CaseFacts(case.case_no, facts, start, eligible_from, forum, None, found)


