"""Case + court network + evaluation date + batch context -> one flat, typed fact dict.

This is the only place fact names live. `FACTS` lists every fact with its type (and, for
text facts, its closed set of values); the loader rejects a rulebook naming anything else,
and `check_fact_types` rejects a record before it can reach the engine (which compares text
as text and never matches None).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from assign.errors import DataError
from assign.network import CourtNetwork
from assign.schemas import Case, CaseStatus, MeasureKind, Obligation, PeriodKind
from rules import clock

RESERVED_FIELDS = frozenset({"t", "id", "sid"})  # the engine's record marker and identities
RECORD_TYPE = "case"


@dataclass(frozen=True)
class FactSpec:
    type: type
    doc: str
    values: tuple[str, ...] = ()  # closed domain for text facts

    @property
    def finite_domain(self) -> tuple[object, ...] | None:
        if self.type is bool:
            return (False, True)
        return self.values or None


FACTS: dict[str, FactSpec] = {
    "case_state": FactSpec(str, "open | closed (concluded, terminated, transferred) | zhongben",
                           ("open", "closed", "zhongben")),
    "obligation": FactSpec(str, "money | delivery | behaviour", ("money", "delivery", "behaviour")),
    "application_state": FactSpec(str, "the applicant's Art. 237 application: none | at_forum | wrong_court",
                                  ("none", "at_forum", "wrong_court")),
    "basis": FactSpec(str, "the Art. 10 item that applies", ("10(1)", "10(2)", "10(3)", "10(4)", "none")),
    "basis_kind": FactSpec(str, "clock (10(1)-(3) running) | manual (10(4), notice alone under 10(3)) | "
                           "none (no assets; measures taken) | enforced (every asset disposed)",
                           ("clock", "manual", "none", "enforced")),
    "period_exceeded": FactSpec(bool, "more than six months on the Art. 237 clock"),
    "countable_days": FactSpec(int, "days counted on the Art. 237 clock so far"),
    "order_state": FactSpec(str, "latest 督促执行令: none | running | passed_no_reason | passed_good_reason",
                            ("none", "running", "passed_no_reason", "passed_good_reason")),
    "restored": FactSpec(bool, "enforcement restored after 终本"),
    "debtor_kind": FactSpec(str, "the debtor's kind",
                            ("person", "company", "state_owned", "government", "public_institution")),
    "debtor_key_local_taxpayer": FactSpec(bool, "the debtor is a key local taxpayer"),
    "petition_count": FactSpec(int, "信访 / complaints received so far"),
    "interference_count": FactSpec(int, "recorded improper interference so far"),
    "linked_case_count": FactSpec(int, "open cases of the same debtor (batch or store, and linked case numbers)"),
    "officer_conflict": FactSpec(bool, "the case officer must recuse"),
    "amount_yuan": FactSpec(int, "执行标的 in whole yuan"),
    "closing_deadline_overdue": FactSpec(bool, "the closing-deadline clock has run out"),
    "months_since_filing": FactSpec(int, "whole months from filing to the evaluation date"),
    "oldest_undisposed_seizure_months": FactSpec(int, "whole months since the oldest seizure not yet disposed"),
    "three_months_since_filing": FactSpec(bool, "more than three months since filing (终本规定 Art. 1(4))"),
    "zhongben_too_early": FactSpec(bool, "终本 ruled no more than three months after filing"),
    "zhongben_undisposed_assets": FactSpec(int, "seized assets left undisposed when 终本 was ruled"),
    "zhongben_auction_tried": FactSpec(bool, "an auction was tried before the 终本 ruling"),
    "zhongben_monitoring_lapse": FactSpec(bool, "a six-monthly asset query missed within five years of 终本"),
    "open_suspension_days": FactSpec(int, "days the longest running stay or suspension has lasted"),
}

_CLOSED = {CaseStatus.CONCLUDED, CaseStatus.TERMINATED, CaseStatus.TRANSFERRED}
# Measures that are "相应执行措施" under 10(3); a notice alone is left to manual review (CONVENTION).
_NOTICE_ONLY = {MeasureKind.NOTICE}


@dataclass(frozen=True)
class BatchContext:
    """Open cases per debtor id across the batch (or the whole store)."""

    debtor_open_cases: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_cases(cls, cases: Iterable[Case]) -> BatchContext:
        return cls(Counter(c.debtor.id for c in cases if c.status == CaseStatus.OPEN))


@dataclass(frozen=True)
class CaseFacts:
    case_no: str
    facts: dict[str, bool | int | str]
    clock_start: date | None
    eligible_from: date | None
    forum: str | None


def forum_of(case: Case, network: CourtNetwork) -> str | None:
    """上一级 of the enforcing court; of the entrusted court for an entrusted case (委托执行规定 Art. 11)."""
    court = case.entrusted.to_court if case.entrusted else case.court_code
    parent = network.parent(court)
    return parent.code if parent else None


def _check_courts(case: Case, network: CourtNetwork) -> None:
    for where, code in case.court_codes().items():
        if code not in network:
            raise DataError(f"case {case.case_no}: {where} names unknown court {code!r}")


def _basis(case: Case, as_of: date) -> tuple[str, str, date | None]:
    """(basis, basis_kind, clock start) per Art. 10, the first item that applies."""
    if case.obligation == Obligation.BEHAVIOUR:
        return ("10(3)", "clock", case.received_on)  # measures are judged once the clock is known
    assets = case.assets
    if case.restored_on is not None and case.restored_on <= as_of and case.zhongben is not None:
        # CONVENTION: a restored case runs a new clock from the discovery of the new assets (10(2)).
        ruled = case.zhongben.ruled_on
        assets = [a for a in assets if not a.available_at_application and a.discovered_on
                  and ruled <= a.discovered_on <= as_of]
        pending = [a for a in assets if a.disposed_on is None or a.disposed_on > as_of]
        if pending:
            return ("10(2)", "clock", min(a.discovered_on for a in pending))  # type: ignore[type-var]
        return ("10(2)", "clock", case.restored_on) if not assets else ("none", "enforced", None)
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
    issued = [o for o in case.supervision_orders if o.issued_on <= as_of]
    if not issued:
        return "none"
    latest = max(issued, key=lambda o: (o.issued_on, o.deadline))
    if as_of <= latest.deadline:
        return "running"
    return "passed_good_reason" if (latest.good_reason or "").strip() else "passed_no_reason"


def build_facts(case: Case, network: CourtNetwork, as_of: date, batch: BatchContext | None = None) -> CaseFacts:
    """The flat fact record for one case on `as_of`. Events dated after `as_of` are ignored."""
    _check_courts(case, network)
    forum = forum_of(case, network)
    basis, basis_kind, start = _basis(case, as_of)
    if start is not None and case.entrusted is not None:
        start = max(start, case.entrusted.filed_on)  # 委托执行规定 Art. 11: six months at the entrusted court
    eligible_from = None
    countable = 0
    exceeded = False
    if start is not None:
        reading = clock.art237_clock(start, case.excluded_periods, as_of)
        eligible_from, countable, exceeded = reading.exceeded_from, reading.counted_days, reading.exceeded_on(as_of)
        if case.obligation == Obligation.BEHAVIOUR:
            taken = [m for m in case.measures if m.on <= min(as_of, reading.end)]
            if any(m.kind not in _NOTICE_ONLY for m in taken):
                basis, basis_kind = "none", "none"  # 10(3): a measure in time defeats the basis
            elif taken:
                basis_kind = "manual"  # CONVENTION: a notice alone is left to manual review
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
    closing = clock.closing_clock(case.filed_on, case.non_litigation, case.other_periods + case.excluded_periods,
                                  as_of)
    seized = [a.seized_on for a in case.assets
              if a.seized_on and a.seized_on <= as_of and (a.disposed_on is None or a.disposed_on > as_of)]
    zb = case.zhongben if case.zhongben is not None and case.zhongben.ruled_on <= as_of else None
    auction_tried = zb is not None and (
        any(m.kind == MeasureKind.AUCTION and m.on <= zb.ruled_on for m in case.measures)
        or any(p.kind == PeriodKind.AUCTION and p.start <= zb.ruled_on for p in case.other_periods))
    running = [(as_of - p.start).days + 1 for p in case.excluded_periods
               if p.kind in (PeriodKind.STAY, PeriodKind.SUSPENSION) and p.start <= as_of
               and (p.end is None or p.end >= as_of)]
    in_batch = (batch.debtor_open_cases.get(case.debtor.id, 0) if batch else 0)
    facts: dict[str, bool | int | str] = {
        "case_state": case_state,
        "obligation": case.obligation.value,
        "application_state": application_state,
        "basis": basis,
        "basis_kind": basis_kind,
        "period_exceeded": exceeded,
        "countable_days": countable,
        "order_state": _order_state(case, as_of),
        "restored": case.restored_on is not None and case.restored_on <= as_of,
        "debtor_kind": case.debtor.kind.value,
        "debtor_key_local_taxpayer": bool(case.debtor.key_local_taxpayer),
        "petition_count": sum(1 for d in case.petitions if d <= as_of),
        "interference_count": sum(1 for d in case.interference_reports if d <= as_of),
        # CONVENTION: the larger of the two counts, so linked cases inside the batch count once.
        "linked_case_count": max(in_batch, 1 + len(case.related_case_nos)),
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
        "open_suspension_days": max(running, default=0),
    }
    check_fact_types(case.case_no, facts)
    return CaseFacts(case.case_no, facts, start, eligible_from, forum)


_TYPE_TABLE = tuple((name, spec.type, frozenset(spec.values)) for name, spec in FACTS.items())


def check_fact_types(case_no: str, facts: Mapping[str, object]) -> None:
    """Exact types and known values only: the engine would silently mis-compare anything else."""
    if len(facts) != len(FACTS) or not FACTS.keys() <= facts.keys():
        raise DataError(f"case {case_no}: fact set differs from FACTS: {sorted(set(facts) ^ set(FACTS))}")
    for name, expected, values in _TYPE_TABLE:
        value = facts[name]
        if type(value) is not expected:
            raise DataError(f"case {case_no}: fact {name} is {type(value).__name__}, expected {expected.__name__}")
        if values and value not in values:
            raise DataError(f"case {case_no}: fact {name}={value!r} is not one of {sorted(values)}")
