"""The lead pass reads a stored case's parts in the database (`assign.leads.lead_cases`): what it reads must be
the lead view of the case itself (`LeadCase.of`), for every shape of case, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from assign import repository
from assign.db import session_scope
from assign.leads import Lead, LeadCase, lead_cases
from assign.registers import RegisterKind, RegisterRecord
from rules.leads import classify_lead
from tests.factories import make_case, make_network

CASES = [
    make_case("(2024)川0104执1号"),  # open, one asset, one measure
    make_case("(2024)川0104执2号", status="zhongben", zhongben={"ruled_on": "2024-06-30"}, assets=[], measures=[],
              restored_on="2024-08-01"),
    make_case("(2024)川0104执3号", entrusted={"to_court": "B510703", "filed_on": "2024-02-01"},
              measures=[{"kind": "notice", "on": "2024-01-15"}, {"kind": "freeze", "on": "2024-03-02"}]),
]


def test_the_parts_read_in_the_database_are_the_lead_view_of_the_case(engine: Engine) -> None:
    with session_scope(engine) as session:
        for case in CASES:
            repository.save_case(session=session, case=case)
    with engine.connect() as conn:
        read = lead_cases(conn, {c.case_no for c in CASES} | {"(2024)川0104执99号"})
    assert read == {c.case_no: LeadCase.of(c) for c in CASES}


def test_a_lead_built_without_validation_validates_to_itself() -> None:
    record = RegisterRecord(record_id="V1", party_id=CASES[1].debtor.id, asset_kind=RegisterKind.VEHICLE,
                            registered_on=date(2024, 7, 1), registry="交管局", value="1000.50")
    lead = classify_lead(LeadCase.of(CASES[1]), record, as_of=date(2024, 9, 1), first_seen_on=None, action_days=30,
                         network=make_network())
    assert lead is not None
    assert Lead.model_validate(lead.model_dump()) == lead
    assert Lead.model_validate_json(lead.model_dump_json()).model_dump_json() == lead.model_dump_json()
