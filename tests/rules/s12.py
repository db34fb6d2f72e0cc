"""Builders shared by the legal-reference §12 tests (a plain 10(1) case received 2024-01-10:
E = 2024-07-10, "more than six months" from 2024-07-11; filed 2024-01-12)."""

from __future__ import annotations

from datetime import date
from typing import Any

from assign.network import CourtNetwork
from assign.schemas import Verdict
from rules.engine import RuleEngine
from rules.evaluate import evaluate_cases
from rules.facts import BatchContext
from tests.factories import make_case

D = date
E = D(2024, 7, 10)  # the last day of the six months for make_case()
AFTER_E = D(2024, 7, 11)


def verdict(network: CourtNetwork, engine: RuleEngine, as_of: date, batch: BatchContext | None = None,
            case_no: str = "(2024)川0104执1号", **kw: Any) -> Verdict:
    return evaluate_cases([make_case(case_no, **kw)], network, as_of, engine, batch)[0]


def order(issued_on: date, deadline: date, reason: str | None = None, by: str = "I510100") -> dict[str, Any]:
    return {"issued_by": by, "issued_on": issued_on, "deadline": deadline, "good_reason": reason}


def period(kind: str, start: date, end: date | None) -> dict[str, Any]:
    return {"kind": kind, "start": start, "end": end}


def asset(asset_id: str = "A1", kind: str = "real_estate", **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": asset_id, "kind": kind, "value": "300000", "available_at_application": True,
                            "location_division": "510104"}
    base.update(kw)
    return base


def sentence(v: Verdict, rule_id: str) -> str:
    return next(f.explanation_zh for f in v.fired if f.rule_id == rule_id)


def fired(v: Verdict) -> list[str]:
    return [f.rule_id for f in v.fired]
