"""The FACTS registry: every fact name, its type and (for text facts) its closed set of values.

The loader rejects a rulebook naming anything else, and `check_fact_types` rejects a record
before it can reach the engine (which compares text as text and never matches None).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from assign.errors import DataError

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
    "closing_deadline_overdue": FactSpec(bool, "the closing deadline (rules.clock.closing_deadline, with an approved "
                                         "extension since 1.2.1) has run out"),
    "months_since_filing": FactSpec(int, "whole months from filing to the evaluation date"),
    "oldest_undisposed_seizure_months": FactSpec(int, "whole months since the oldest seizure not yet disposed"),
    "three_months_since_filing": FactSpec(bool, "more than three months since filing (终本规定 Art. 1(4))"),
    "zhongben_too_early": FactSpec(bool, "终本 ruled no more than three months after filing"),
    "zhongben_undisposed_assets": FactSpec(int, "seized assets left undisposed when 终本 was ruled"),
    "zhongben_auction_tried": FactSpec(bool, "an auction was tried before the 终本 ruling"),
    "zhongben_monitoring_lapse": FactSpec(bool, "a six-monthly asset query missed within five years of 终本"),
    "open_suspension_days": FactSpec(int, "days the longest running stay or suspension has lasted"),
    # rulebook 1.2.0 (legal-reference §12); the facts above keep their 1.1.0 meaning where §12 allows
    "order_reading": FactSpec(str, "§12.1-12.3: none | running | lapsed (an Art. 237 order, no good reason; "
                              "stays lapsed) | excused_reason | excused_period (an Art. 13 period in its term) | "
                              "supervision_lapsed (an order of the court's own motion)",
                              ("none", "running", "lapsed", "excused_reason", "excused_period",
                               "supervision_lapsed")),
    "premature_application": FactSpec(bool, "§12.4: an application on record before six months were exceeded"),
    "stalled_asset_months": FactSpec(int, "§12.6: net months the longest-stalled seized asset lay undisposed"),
    "stalled_asset_no_progress": FactSpec(bool, "§12.6: that asset saw no disposal step after a lapsed order"),
    "zhongben_assets_without_ground": FactSpec(int, "§12.9: assets undisposed at 终本 without an Art. 4 ground"),
    "local_debtor_kind": FactSpec(str, "§12.10: the debtor's kind when local to the enforcing court, else not_local",
                                  ("person", "company", "state_owned", "government", "public_institution",
                                   "not_local")),
    "local_key_taxpayer": FactSpec(bool, "§12.10: a key local taxpayer local to the enforcing court"),
    # rulebook 1.2.1: the closing deadline applies an approved extension (the node alerts' reading)
    "closing_extension_approved": FactSpec(bool, "an extension of the closing deadline approved by the evaluation "
                                                 "date (审限规定 Art. 5; format v1.2 process.extension_approved_on)"),
}


_TYPE_TABLE = tuple((name, spec.type, frozenset(spec.values)) for name, spec in FACTS.items())
_NAMES = tuple(FACTS)
_TYPES = tuple(spec.type for spec in FACTS.values())
_CLOSED_SETS = tuple(frozenset(spec.values) for spec in FACTS.values() if spec.values)
_closed_values = operator.itemgetter(*(name for name, spec in FACTS.items() if spec.values))


def check_fact_types(case_no: str, facts: Mapping[str, object]) -> None:
    """Exact types and known values only: the engine would silently mis-compare anything else."""
    if (tuple(facts) == _NAMES and tuple(map(type, facts.values())) == _TYPES
            and all(map(frozenset.__contains__, _CLOSED_SETS, _closed_values(facts)))):
        return  # every record of the store pass: built in FACTS order, each value as declared (one pass)
    if len(facts) != len(FACTS) or not FACTS.keys() <= facts.keys():
        raise DataError(f"case {case_no}: fact set differs from FACTS: {sorted(set(facts) ^ set(FACTS))}")
    for name, expected, values in _TYPE_TABLE:
        value = facts[name]
        if type(value) is not expected:
            raise DataError(f"case {case_no}: fact {name} is {type(value).__name__}, expected {expected.__name__}")
        if values and value not in values:
            raise DataError(f"case {case_no}: fact {name}={value!r} is not one of {sorted(values)}")


@functools.lru_cache(maxsize=16)  # one per rulebook's set of read facts
def fact_check_except(checked: frozenset[str]) -> Callable[[str, Mapping[str, object]], None]:
    """`check_fact_types` for records whose facts in `checked` are sound already (`rules.evaluate`:
    the facts the rules read, checked once per fact class, whose class fixes their types and text
    values): the type and value of every other fact, and the record's size (with every name present,
    its fact set). Any doubt runs `check_fact_types`, which raises naming the fault."""
    names = tuple(name for name in FACTS if name not in checked)
    types = tuple(FACTS[name].type for name in names)
    closed = tuple((i, frozenset(FACTS[name].values)) for i, name in enumerate(names) if FACTS[name].values)
    getter = operator.itemgetter(*names) if len(names) >= 2 else None
    size = len(FACTS)

    def values_of(facts: Mapping[str, object]) -> tuple[object, ...]:
        return getter(facts) if getter is not None else tuple(facts[name] for name in names)

    def check(case_no: str, facts: Mapping[str, object]) -> None:
        try:
            values = values_of(facts)
        except KeyError:
            check_fact_types(case_no, facts)
            return
        if (len(facts) != size or tuple(map(type, values)) != types
                or not all(values[i] in allowed for i, allowed in closed)):
            check_fact_types(case_no, facts)

    return check
