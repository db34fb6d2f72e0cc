"""Small, explicit builders for tests. Append new builders; do not change existing ones' defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from assign.network import CourtNetwork
from assign.schemas import Case, Court, CourtLevel


def make_court(code: str, *, level: str = "basic", parent: str | None = None, division: str | None = None,
               lat: float | None = 30.0, lon: float | None = 105.0, staff: int = 10, open_cases: int = 9000,
               name: str | None = None) -> Court:
    return Court(
        code=code, name=name or f"{code}人民法院", level=CourtLevel(level), parent_code=parent,
        division_code=division or (code[1:7] if len(code) >= 7 and code[1:7].isdigit() else "510000"),
        lat=lat, lon=lon, enforcement_staff=staff, open_cases=open_cases,
    )


def make_network() -> CourtNetwork:
    """A two-prefecture province: high H510000; intermediates I510100, I510700; five basic courts.

    Coordinates are roughly real (Chengdu, Mianyang) so distances are meaningful.
    """
    courts = [
        make_court("H510000", level="high", division="510000", lat=30.66, lon=104.07, staff=40, open_cases=20000),
        make_court("I510100", level="intermediate", parent="H510000", division="510100", lat=30.67, lon=104.06,
                   staff=60, open_cases=50000),
        make_court("B510104", parent="I510100", division="510104", lat=30.65, lon=104.08, staff=20, open_cases=19000),
        make_court("B510105", parent="I510100", division="510105", lat=30.68, lon=104.05, staff=15, open_cases=15000),
        make_court("B510112", parent="I510100", division="510112", lat=30.56, lon=104.27, staff=12, open_cases=9000),
        make_court("I510700", level="intermediate", parent="H510000", division="510700", lat=31.47, lon=104.68,
                   staff=30, open_cases=20000),
        make_court("B510703", parent="I510700", division="510703", lat=31.46, lon=104.75, staff=10, open_cases=9500),
        make_court("B510781", parent="I510700", division="510781", lat=31.78, lon=104.74, staff=8, open_cases=6000),
    ]
    return CourtNetwork(courts)


def make_case(case_no: str = "(2024)川0104执1号", **overrides: Any) -> Case:
    """A plain open money case at B510104 with an asset available at application."""
    data: dict[str, Any] = {
        "case_no": case_no,
        "court_code": "B510104",
        "obligation": "money",
        "non_litigation": False,
        "received_on": date(2024, 1, 10),
        "filed_on": date(2024, 1, 12),
        "amount": Decimal("500000"),
        "recovered": Decimal("0"),
        "status": "open",
        "debtor": {"id": "91510104MA6C000001", "name": "成都某贸易有限公司", "kind": "company",
                   "domicile_division": "510104", "key_local_taxpayer": False},
        "applicant": {"id": "510104198001010011", "name": "张三", "kind": "person", "domicile_division": "510105"},
        "assets": [{"id": "A1", "kind": "deposit", "value": "300000", "available_at_application": True,
                    "discovered_on": None, "seized_on": None, "disposed_on": None, "location_division": "510104"}],
        "measures": [{"kind": "notice", "on": date(2024, 1, 15)}],
    }
    data.update(overrides)
    return Case.model_validate(data)


def make_verdict(case_no: str = "(2024)川0104执1号", *, forum: str | None = "I510100", mode: str | None = "designate",
                 flags: list[str] | None = None, as_of: date = date(2024, 9, 1), outcome: str = "ELIGIBLE") -> Any:
    """A Verdict as the rules would return it, for solver tests that must not depend on rules/."""
    from assign.schemas import Verdict

    return Verdict.model_validate({
        "case_no": case_no, "as_of": as_of, "outcome": outcome, "basis": "10(1)", "forum": forum,
        "permitted_modes": ["order", "escalate", "designate"] + (["concentrate"] if mode == "concentrate" else []),
        "recommended_mode": mode, "flags": flags or [],
        "rulebook_version": {"id": "test", "hash": "0" * 16},
    })


def make_transfer_case(case_no: str = "(2024)川0104执900号", **overrides: Any) -> Case:
    """A case whose supervision order's deadline passed without good reason (MANDATORY_TRANSFER, designate)
    on any evaluation date after 2024-09-01; forum I510100."""
    orders = [{"issued_by": "I510100", "issued_on": date(2024, 8, 1), "deadline": date(2024, 9, 1)}]
    return make_case(case_no, **{"supervision_orders": orders, **overrides})
