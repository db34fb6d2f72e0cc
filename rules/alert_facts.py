"""Case + evaluation date -> the process-node readings and the flat fact record of the alerts ruleset.

`ALERT_FACTS` is the only place the alert facts are named (the loader refuses anything else in
`rules/rulebook/alerts.yml`). Each node of the 期限规定 is read into a `NodeReading`: the day
its limit runs from, the last day allowed, the day it was done, and a state:

- `not_applicable`: the node's trigger has not happened (no lead given, nothing reported);
- `unknown`: the trigger or the done date is not recorded (v1.2 `process` absent or null):
  never an alert ("a missing node is unknown, never late");
- `on_time` / `late`: the recorded done date is within / after the limit;
- `running` / `overdue`: for the closing deadline (the case is still open: the status says so)
  and the 终本 monitoring queries (the `asset_queries` list is the record of queries).

Day counting (CONVENTION, legal-reference §2 style): "within N days of X" leaves X uncounted,
so the last day allowed is X + N; done on X + N is on time, on X + N + 1 one day late. "At once"
(立即, control measures, Art. 4 ¶2) allows the report day and the next (limit 1). An extension
request "at least 5 days before expiry" (Art. 1) is on time up to E - 5, E the closing
deadline's last day. Dates after the evaluation date are not yet facts and are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import NamedTuple

from assign.alerts import OVERDUE, days_past
from assign.errors import DataError
from assign.process import ProcessNodes
from assign.schemas import Case, CaseStatus, MeasureKind
from rules import clock
from rules.facts import FactSpec

STATES = ("not_applicable", "unknown", "on_time", "late", "running", "overdue")
CONTROL_KINDS = (MeasureKind.FREEZE, MeasureKind.SEIZE)


@dataclass(frozen=True)
class NodeInfo:
    name_zh: str
    limit_zh: str


# every node the alerts ruleset reads, in process order
NODES: dict[str, NodeInfo] = {
    "officer_assignment": NodeInfo("确定承办人", "立案后7日内确定承办人"),
    "notice": NodeInfo("执行通知", "承办人收到案件材料后3日内发出执行通知书"),
    "leads_request": NodeInfo("通知提供线索", "收到案件材料后3日内通知申请执行人提供财产线索"),
    "lead_check": NodeInfo("线索核查", "申请执行人提供财产线索后5日内查证、核实"),
    "investigation_start": NodeInfo("启动调查", "申请执行人提出调查申请后10日内启动调查程序"),
    "control_measures": NodeInfo("控制性措施", "获悉转移、隐匿财产后立即采取控制性执行措施（至次日）"),
    "extension_request": NodeInfo("延期申请", "执行期限届满5日前提出延长申请"),
    "closing_deadline": NodeInfo("结案期限", "立案次日起6个月内执结（非诉3个月；经院长批准延长3个月）"),
    "zhongben_monitoring": NodeInfo("终本财产查询", "终本后5年内每6个月通过网络查控系统查询一次"),
}

ALERT_FACTS: dict[str, FactSpec] = {
    "case_state": FactSpec(str, "open | zhongben (终本, not restored) | closed", ("open", "zhongben", "closed")),
    **{f"{node}_state": FactSpec(str, f"state of node {node}", STATES) for node in NODES},
    **{f"{node}_days_over": FactSpec(int, f"days past the limit of node {node} (0 unless late or overdue)")
       for node in NODES},
    "zhongben_missed_windows": FactSpec(int, "six-month windows within five years of 终本 without an asset query"),
}


class NodeReading(NamedTuple):  # a tuple: built ~10 times per case, millions per night
    node: str
    state: str
    trigger_on: date | None = None  # the day the limit runs from (not counted)
    due_on: date | None = None  # the last day allowed
    done_on: date | None = None
    days_over: int = 0


class CaseNodes(NamedTuple):  # a tuple: one per case read, ~1.25M a night
    case_no: str
    court_code: str
    readings: dict[str, NodeReading]
    facts: dict[str, bool | int | str]


def _known(day: date | None, as_of: date) -> date | None:
    return day if day is not None and day <= as_of else None


# the readings without dates, one per node (tuples: shared by every case they describe)
_NOT_APPLICABLE = {node: NodeReading(node, "not_applicable") for node in NODES}
_UNKNOWN = {node: NodeReading(node, "unknown") for node in NODES}


def step(node: str, trigger: date | None, done: date | None, limit_days: int, as_of: date,
         trigger_recorded: bool = False) -> NodeReading:
    """A node due `limit_days` after `trigger` (trigger day not counted). `trigger_recorded`: a
    missing trigger is unknown (a node the format may lack) rather than not applicable. (Run ~6 times
    a case on ~1.25M cases a night: `_known` and `clock.add_days` written out.)"""
    if trigger is None or trigger > as_of:
        return (_UNKNOWN if trigger_recorded else _NOT_APPLICABLE)[node]
    last = trigger.toordinal() + limit_days
    due = clock.from_ordinal(last)  # None: beyond 9999-12-31 (date arithmetic is total)
    if done is None or done > as_of:
        return NodeReading(node, "unknown", trigger, due)
    over = done.toordinal() - last
    return NodeReading(node, "late", trigger, due, done, over) if over > 0 else \
        NodeReading(node, "on_time", trigger, due, done, 0)


_NOTICE = MeasureKind.NOTICE


def _notice_on(case: Case, nodes: ProcessNodes, as_of: date) -> date | None:
    """The day the notice was served, else the earliest `notice` measure by `as_of` (a loop: run for every
    case read, ~2 µs less than min over a generator)."""
    served = nodes.notice_served_on
    if served is not None and served <= as_of:
        return served
    first = None
    for m in case.measures:
        if m.kind == _NOTICE and m.on <= as_of and (first is None or m.on < first):
            first = m.on
    return first


def _control_on(case: Case, nodes: ProcessNodes, as_of: date) -> date | None:
    if nodes.control_measures_on is not None or nodes.concealment_reported_on is None:
        return nodes.control_measures_on
    report = nodes.concealment_reported_on
    return min((m.on for m in case.measures if m.kind in CONTROL_KINDS and report <= m.on <= as_of), default=None)


def _lead_check(nodes: ProcessNodes, as_of: date) -> NodeReading:
    """Of the leads given by `as_of`: the one checked most days late (then the latest given; the first of
    equals), else the first not yet checked, else the last one."""
    late = unknown = last = None
    for lead in nodes.leads:
        r = step("lead_check", lead.given_on, lead.checked_on, 5, as_of)
        if r.state == "not_applicable":
            continue
        last = r
        if r.state == "late":
            if late is None or (r.days_over, r.trigger_on) > (late.days_over, late.trigger_on):
                late = r
        elif r.state == "unknown" and unknown is None:
            unknown = r
    return late or unknown or last or _NOT_APPLICABLE["lead_check"]


def _closing(case: Case, nodes: ProcessNodes, as_of: date, is_open: bool) -> tuple[NodeReading, NodeReading]:
    if not is_open:  # both nodes concern open cases only: no clock to read
        return _NOT_APPLICABLE["closing_deadline"], _NOT_APPLICABLE["extension_request"]
    # the extension request is due 5 days before the unextended deadline; the deadline itself is the case's
    base = clock.closing_clock(case.filed_on, case.non_litigation, case.other_periods + case.excluded_periods, as_of)
    reading = clock.closing_deadline(case, as_of) if clock.extension_approved(case, as_of) else base
    end = reading.end
    if reading.exceeded_on(as_of) and end is not None:  # exceeded: its end lies before as_of, never beyond 9999
        closing = NodeReading("closing_deadline", OVERDUE, case.filed_on, end, None, days_past(end, as_of))
    else:
        closing = NodeReading("closing_deadline", "running", case.filed_on, end)
    requested = _known(nodes.extension_requested_on, as_of)
    if requested is None:
        extension = _NOT_APPLICABLE["extension_request"]
    else:
        over = requested.toordinal() - (base.end_ordinal - 5)
        extension = NodeReading("extension_request", "late" if over > 0 else "on_time", base.end,
                                clock.from_ordinal(base.end_ordinal - 5), requested, max(over, 0))
    return closing, extension


def _monitoring(case: Case, as_of: date) -> tuple[NodeReading, int]:
    zb = case.zhongben
    if case.status != CaseStatus.ZHONGBEN or zb is None or zb.ruled_on > as_of or _known(case.restored_on, as_of):
        return _NOT_APPLICABLE["zhongben_monitoring"], 0
    missed = clock.missed_monitoring_windows(zb.ruled_on, [q for q in zb.asset_queries if q <= as_of], as_of)
    if not missed:
        return NodeReading("zhongben_monitoring", "running", zb.ruled_on), 0
    first, last = missed[-1]
    return NodeReading("zhongben_monitoring", OVERDUE, first, last, None, days_past(last, as_of)), len(missed)


def read_nodes(case: Case, as_of: date) -> CaseNodes:
    """Every node of one case on `as_of`, and the fact record the alerts ruleset reads."""
    nodes = case.process or _NO_NODES
    restored = case.restored_on is not None and case.restored_on <= as_of
    if case.status == CaseStatus.OPEN:
        case_state = "open"
    elif case.status == CaseStatus.ZHONGBEN and not restored:
        case_state = "zhongben"
    else:
        case_state = "closed"
    assigned = _known(nodes.officer_assigned_on, as_of)
    closing, extension = _closing(case, nodes, as_of, case_state == "open")
    monitoring, missed = _monitoring(case, as_of)
    readings = [
        step("officer_assignment", case.filed_on, nodes.officer_assigned_on, 7, as_of),
        step("notice", assigned, _notice_on(case, nodes, as_of), 3, as_of, trigger_recorded=True),
        step("leads_request", assigned, nodes.leads_requested_on, 3, as_of, trigger_recorded=True),
        _lead_check(nodes, as_of),
        step("investigation_start", nodes.investigation_requested_on, nodes.investigation_started_on, 10, as_of),
        step("control_measures", nodes.concealment_reported_on, _control_on(case, nodes, as_of), 1, as_of),
        extension, closing, monitoring,
    ]
    values: list[bool | int | str] = [case_state]
    for reading in readings:  # in process order, as `NODES` (`_FACT_NAMES`)
        values += (reading.state, reading.days_over)
    values.append(missed)
    facts = dict(zip(_FACT_NAMES, values, strict=True))
    check_alert_fact_types(case.case_no, facts)
    return CaseNodes(case.case_no, case.court_code, dict(zip(NODES, readings, strict=True)), facts)


_NO_NODES = ProcessNodes()  # a case without v1.2 `process`: every node date unknown (read, never changed)
# read_nodes' fact names, in the order it writes them: the case state, each node's state and days over, the windows
_FACT_NAMES = ("case_state", *(f for node in NODES for f in (f"{node}_state", f"{node}_days_over")),
               "zhongben_missed_windows")
# (name, exact type, its values or None): the checks of ALERT_FACTS, built once (a national night checks ~1M records)
_CHECKS = tuple((name, spec.type, frozenset(spec.values) if spec.values else None)
                for name, spec in ALERT_FACTS.items())
# the same checks for a record in read_nodes' order, in C: the types in that order, and per domain its facts' values
_TYPES = tuple(ALERT_FACTS[name].type for name in _FACT_NAMES)


def _domains() -> tuple[tuple[itemgetter[tuple[object, ...]], frozenset[object]], ...]:
    names: dict[frozenset[object], list[str]] = {}
    for name, spec in ALERT_FACTS.items():
        if spec.values:
            names.setdefault(frozenset(spec.values), []).append(name)
    return tuple((itemgetter(*n, n[0]), domain) for domain, n in names.items())  # n[0] again: a tuple for one name


_DOMAINS = _domains()


def check_alert_fact_types(case_no: str, facts: Mapping[str, object]) -> None:
    """Exact types and known values only (the engine would silently mis-compare anything else)."""
    if tuple(facts) == _FACT_NAMES and tuple(map(type, facts.values())) == _TYPES:
        for read, domain in _DOMAINS:
            if not domain.issuperset(read(facts)):
                break
        else:
            return  # read_nodes' records, checked in C; any other order or any failure: fact by fact, naming it
    if facts.keys() != ALERT_FACTS.keys():
        raise DataError(f"case {case_no}: fact set differs from ALERT_FACTS: {sorted(set(facts) ^ set(ALERT_FACTS))}")
    for name, kind, values in _CHECKS:
        value = facts[name]
        if type(value) is not kind or (values is not None and value not in values):
            raise DataError(f"case {case_no}: fact {name}={value!r} is not a {kind.__name__} of its domain")
