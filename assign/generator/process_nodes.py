"""Process nodes (format v1.2 `process`) for a generated case: mostly on time, a documented share
late, some missing (docs/workload.md, "Process nodes").

The draws come from their own generator seeded by the case number, so adding them changes
no other field of any generated case (the main stream, and so every earlier workload, is as
before). The only other field touched is the `notice` measure: a notice dated before the
officer was assigned is moved to after the assignment (a file is served by its officer).
"""

from __future__ import annotations

import random
import zlib
from datetime import date
from typing import Any

from assign.generator.draws import randint

RECORDED_SHARE = 0.85  # cases whose source system records process nodes (the rest: v1, no `process`)
MISSING_NODE_SHARE = 0.05  # a recorded case still lacks a given node (unknown, never late)
OFFICER_LATE_SHARE = 0.08  # 期限规定 Art. 2: assigned 8-30 days after filing
NOTICE_LATE_SHARE = 0.10  # Art. 4: the notice 4-15 days after the officer received the file
LEADS_REQUEST_LATE_SHARE = 0.10  # Art. 5: 4-20 days
LEADS_SHARE = 0.35  # the applicant gives 1-3 asset leads
LEAD_LATE_SHARE = 0.12  # Art. 6: checked 6-30 days after being given
INVESTIGATION_SHARE = 0.25  # the applicant asks the court to investigate
INVESTIGATION_LATE_SHARE = 0.12  # Art. 6: started 11-40 days after the request
CONCEALMENT_SHARE = 0.03  # concealment reported
CONTROL_LATE_SHARE = 0.20  # Art. 4: control measure 2-10 days after the report
EXTENSION_SHARE = 0.30  # open cases near or past their closing deadline that ask for an extension
EXTENSION_LATE_SHARE = 0.15  # asked within the last 4 days before expiry
EXTENSION_APPROVED_SHARE = 0.80
_DAY = date.fromordinal


def _rng(case_no: str) -> random.Random:
    return random.Random(zlib.crc32(case_no.encode("utf-8")) ^ 0x5EED17)


def _step(rng: random.Random, late_share: float, on_time: tuple[int, int], late: tuple[int, int]) -> int:
    return randint(rng, *late) if rng.random() < late_share else randint(rng, *on_time)


def add_process_nodes(case: dict[str, Any], *, as_of: int, end: int) -> None:
    """Add `process` to a generated case dict (in place); `end` is the closing day or as_of."""
    rng = _rng(case["case_no"])
    if rng.random() >= RECORDED_SHARE:
        return
    filed = case["filed_on"].toordinal()
    last = min(end, as_of)
    nodes: dict[str, Any] = {}

    def put(name: str, day: int) -> bool:
        if day <= last and rng.random() >= MISSING_NODE_SHARE:
            nodes[name] = _DAY(day)
            return True
        return False

    officer = filed + _step(rng, OFFICER_LATE_SHARE, (0, 7), (8, 30))
    assigned = put("officer_assigned_on", officer)
    if assigned:
        _serve_notice_after(case, rng, officer, last)
        put("leads_requested_on", officer + _step(rng, LEADS_REQUEST_LATE_SHARE, (0, 3), (4, 20)))
    if case["obligation"] != "behaviour" and rng.random() < LEADS_SHARE:
        leads = []
        for _ in range(randint(rng, 1, 3)):
            given = officer + randint(rng, 3, 90)
            if given > last:
                continue
            checked = given + _step(rng, LEAD_LATE_SHARE, (0, 5), (6, 30))
            leads.append({"given_on": _DAY(given), "checked_on": _DAY(checked) if checked <= last
                          and rng.random() >= MISSING_NODE_SHARE else None})
        if leads:
            nodes["leads"] = sorted(leads, key=lambda lead: lead["given_on"])
    if rng.random() < INVESTIGATION_SHARE:
        requested = filed + randint(rng, 10, 90)
        if put("investigation_requested_on", requested):
            put("investigation_started_on", requested + _step(rng, INVESTIGATION_LATE_SHARE, (0, 10), (11, 40)))
    if rng.random() < CONCEALMENT_SHARE:
        reported = filed + randint(rng, 10, 120)
        if put("concealment_reported_on", reported):
            put("control_measures_on", reported + _step(rng, CONTROL_LATE_SHARE, (0, 1), (2, 10)))
    deadline = filed + (91 if case.get("non_litigation") else 183)  # closing deadline, no periods (approximate)
    if case["status"] == "open" and last >= deadline - 30 and rng.random() < EXTENSION_SHARE:
        asked = deadline - _step(rng, EXTENSION_LATE_SHARE, (5, 30), (0, 4))
        if put("extension_requested_on", asked) and rng.random() < EXTENSION_APPROVED_SHARE:
            put("extension_approved_on", asked + randint(rng, 1, 5))
    case["process"] = nodes


def _serve_notice_after(case: dict[str, Any], rng: random.Random, officer: int, last: int) -> None:
    """The officer serves the notice: a notice measure dated before the assignment moves after it."""
    for m in case["measures"]:
        if m["kind"] == "notice" and m["on"].toordinal() < officer:
            day = officer + _step(rng, NOTICE_LATE_SHARE, (0, 3), (4, 15))
            m["on"] = _DAY(min(day, last))
    case["measures"].sort(key=lambda m: m["on"])
