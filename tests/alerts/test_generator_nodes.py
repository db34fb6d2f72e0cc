"""The generator's process nodes (docs/workload.md, "Process nodes"): most on time, a documented
share late, some missing, and the node alerts the demo store then shows."""

from __future__ import annotations

from collections import Counter
from datetime import date

from assign.generator import generate_cases
from assign.generator import process_nodes as pn
from assign.network import builtin_network
from rules.alert_facts import read_nodes
from rules.alerts import evaluate_alerts
from rules.engine import RuleEngine

AS_OF = date(2025, 11, 20)


def test_generated_nodes_are_mostly_on_time_some_late_some_missing(alerts_engine: RuleEngine) -> None:
    cases = list(generate_cases(builtin_network(), 3000, seed=7, as_of=AS_OF, province="51"))
    recorded = [c for c in cases if c.process is not None]
    assert abs(len(recorded) / len(cases) - pn.RECORDED_SHARE) < 0.03
    states = Counter(read_nodes(c, AS_OF).facts["officer_assignment_state"] for c in recorded)
    known = states["on_time"] + states["late"]
    assert abs(states["late"] / known - pn.OFFICER_LATE_SHARE) < 0.03
    assert 0 < states["unknown"] / len(recorded) < 0.12  # missing nodes (and assignments not yet made)
    for c in recorded:  # a notice is served by the officer: on an open case never before the assignment
        assigned = c.process.officer_assigned_on if c.process else None
        if assigned and c.status.value == "open":
            assert all(m.on >= assigned for m in c.measures if m.kind.value == "notice"), c.case_no
    nodes = Counter(a.node for a in evaluate_alerts(cases, AS_OF, alerts_engine))
    assert {"officer_assignment", "notice", "leads_request", "lead_check", "closing_deadline"} <= set(nodes)


def test_process_nodes_do_not_change_the_rest_of_the_stream() -> None:
    net = builtin_network()
    few = list(generate_cases(net, 50, seed=3, as_of=AS_OF, province="51"))
    more = list(generate_cases(net, 80, seed=3, as_of=AS_OF, province="51"))[:50]
    assert few == more  # prefix-stable with the nodes drawn from their own per-case stream
