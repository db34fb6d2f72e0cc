"""Reading stored cases back (`assign.stored_case`): rows the service wrote and checked are read by the
trusted fast path, every other row by the full check; rows that pass the full check are stamped."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from types import FrameType
from typing import Annotated

import pytest
import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ValidationError
from sqlalchemy.engine import Engine

from assign import repository, stored_case
from assign.db import session_scope
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.models import CaseRow
from assign.network import builtin_network
from assign.schemas import Case
from assign.stored_case import (
    CHECKS_VERSION,
    StoredRecord,
    content_digest,
    count_unstamped,
    read_stored,
    stamp_checked,
)
from tests.factories import make_case

AS_OF = date(2025, 6, 30)
FAR = {"received_on": "9999-12-20", "filed_on": "9999-12-21"}  # out of the format's date bounds


def _rows(engine: Engine) -> dict[str, StoredRecord]:
    with session_scope(engine) as session:
        return {r.case_no: r for r in repository.case_records_between(session=session, first="", last="\uffff",
                                                                        status=None)}


def _write_around_the_service(engine: Engine, case_no: str, data: str, **columns: object) -> None:
    sets = ", ".join(["data = :d", *(f"{k} = :{k}" for k in columns)])
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE case_record SET {sets} WHERE case_no = :n"), {"d": data, "n": case_no, **columns})


def test_the_fast_path_reads_the_same_cases_as_the_full_check() -> None:
    cases = list(generate_cases(builtin_network(), 300, seed=3, as_of=AS_OF))
    for case in cases:
        data = case.model_dump_json()
        record = StoredRecord(case.case_no, data, content_digest(data), CHECKS_VERSION)
        assert record.trusted
        fast = read_stored(record)
        assert isinstance(fast, Case) and fast == case and fast.model_dump_json() == data


def test_rows_written_by_the_service_are_trusted_and_rows_changed_around_it_are_not(engine: Engine) -> None:
    with session_scope(engine) as session:
        for n in (1, 2, 3):
            repository.save_case(session=session, case=make_case(f"(2024)川0104执{n}号"))
    good, changed, old = "(2024)川0104执1号", "(2024)川0104执2号", "(2024)川0104执3号"
    rows = _rows(engine)
    _write_around_the_service(engine, changed, rows[changed].text.replace("川0104", "川0105", 1))
    _write_around_the_service(engine, old, rows[old].text, checks_version=None)  # as a row from before the column
    rows = _rows(engine)
    assert rows[good].trusted and not rows[changed].trusted and not rows[old].trusted


def test_the_bulk_read_fetches_each_record_as_the_exact_utf8_of_its_stored_text(engine: Engine) -> None:
    """`utf8_bytes`: the database converts the text, on SQLite and PostgreSQL alike; quotes and backslashes (JSON
    escapes: a plain cast to bytea would read them as escapes), CJK outside the BMP and mixed scripts included."""
    names = ['成都"某"贸易\\有限公司', "𠀀𪚥餐饮有限公司", "Ōsaka 株式会社 \\u00e9"]
    with session_scope(engine) as session:
        for n, name in enumerate(names, start=1):
            case = make_case(f"(2024)川0104执{n}号")
            repository.save_case(session=session, case=case.model_copy(update={
                "debtor": case.debtor.model_copy(update={"name": name})}))
    rows = _rows(engine)
    with session_scope(engine) as session:
        for n, name in enumerate(names, start=1):
            case_no = f"(2024)川0104执{n}号"
            stored = session.get(CaseRow, case_no)
            assert stored is not None and isinstance(rows[case_no].data, bytes)
            assert rows[case_no].data == stored.data.encode()
            assert rows[case_no].trusted
            read = read_stored(rows[case_no])
            assert read is not None and read.debtor.name == name


def test_a_poisoned_row_is_unreadable_whether_or_not_it_claims_to_be_checked(engine: Engine) -> None:
    """Issue 15 fault 1 through the fast path: a year-9999 date written around the service is reported and
    skipped. Only a row whose hash matches its JSON is trusted; the stamp alone is not enough."""
    with session_scope(engine) as session:
        repository.save_case(session=session, case=make_case("(2024)川0104执1号"))
    case_no = "(2024)川0104执1号"
    poisoned = json.dumps(json.loads(_rows(engine)[case_no].data) | FAR)
    _write_around_the_service(engine, case_no, poisoned)  # checks_version stays current, the hash does not match
    unreadable: dict[str, str] = {}
    checked: list[StoredRecord] = []
    assert read_stored(_rows(engine)[case_no], unreadable, checked) is None
    assert unreadable[case_no].startswith("the stored record no longer validates: received_on")
    assert checked == []  # never stamped
    with session_scope(engine) as session:
        assert repository.get_cases(session=session, case_nos=[case_no], unreadable=unreadable) == []


def test_the_fast_path_skips_only_the_python_checks_and_falls_back_on_anything_else() -> None:
    """What the trust buys, shown on forged rows (a current stamp and a matching hash): a date out of bounds
    passes the fast path (that is the skipped check), a value of the wrong type does not and the full check
    names it."""
    data = json.dumps(json.loads(make_case().model_dump_json()) | FAR)
    forged = StoredRecord("(2024)川0104执1号", data, content_digest(data), CHECKS_VERSION)
    assert read_stored(forged) is not None
    wrong = json.dumps(json.loads(make_case().model_dump_json()) | {"amount": "lots"})
    unreadable: dict[str, str] = {}
    assert read_stored(StoredRecord("(2024)川0104执1号", wrong, content_digest(wrong), CHECKS_VERSION),
                       unreadable) is None
    assert unreadable["(2024)川0104执1号"].startswith("the stored record no longer validates: amount")


def test_a_row_that_passes_the_full_check_is_stamped_unless_it_changed_since_it_was_read(engine: Engine) -> None:
    with session_scope(engine) as session:
        for n in (1, 2):
            repository.save_case(session=session, case=make_case(f"(2024)川0104执{n}号"))
    for case_no, row in _rows(engine).items():
        _write_around_the_service(engine, case_no, row.text, checks_version=None)
    with session_scope(engine) as session:
        assert count_unstamped(session=session) == 2
    rows = _rows(engine)
    checked: list[StoredRecord] = []
    assert all(read_stored(r, {}, checked) for r in rows.values()) and len(checked) == 2
    later = make_case("(2024)川0104执2号", amount="7").model_dump_json()
    _write_around_the_service(engine, "(2024)川0104执2号", later, content_hash="another")  # changed meanwhile
    with session_scope(engine) as session:
        stamp_checked(session=session, records=checked)
    after = _rows(engine)
    with session_scope(engine) as session:
        assert count_unstamped(session=session) == 1
    assert after["(2024)川0104执1号"].trusted
    assert not after["(2024)川0104执2号"].trusted and after["(2024)川0104执2号"].checks_version is None


def test_reimporting_an_unchanged_row_checked_under_older_checks_stamps_it(engine: Engine) -> None:
    network = builtin_network()
    cases = list(generate_cases(network, 5, seed=3, as_of=AS_OF))
    import_cases(engine, cases, as_of=AS_OF, network=network)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE case_record SET checks_version = NULL"))
    report = import_cases(engine, cases, as_of=AS_OF, network=network)
    assert report.as_dict()["unchanged"] == len(cases)
    assert all(r.trusted for r in _rows(engine).values())


def test_a_validator_the_fast_path_does_not_know_stops_it_from_being_built() -> None:
    """A new validator might transform a value: skipping it would read a different case. Building the fast path
    refuses it until someone lists it as a check (and bumps CHECKS_VERSION)."""

    def upper(value: str) -> str:
        return value.upper()

    class Shouting(BaseModel):
        name: Annotated[str, AfterValidator(upper)]

    with pytest.raises(TypeError, match="does not know the validator"):
        stored_case._without_checks(Shouting.__pydantic_core_schema__)


def _python_calls_while(validate: Callable[[], object]) -> list[str]:
    calls: list[str] = []

    def watch(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_filename != __file__:  # not the caller's own lambda
            calls.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

    sys.setprofile(watch)
    try:
        validate()
    finally:
        sys.setprofile(None)
    return calls


def test_a_trusted_read_runs_no_python_check_at_any_depth() -> None:
    """The fast path skips the Python checks of the nested models too (parties, assets, measures, periods,
    orders, process nodes) and the digit limits of amounts: pydantic-core would reuse each nested class's
    own validator, checks included, unless the fast path builds them itself."""
    cases = [c for c in generate_cases(builtin_network(), 400, seed=5, as_of=AS_OF)
             if c.assets and c.measures and c.supervision_orders and c.excluded_periods]
    assert cases, "the generator no longer makes cases with assets, measures, orders and periods"
    records = [c.model_dump_json() for c in cases[:20]]
    validator = stored_case._trusted_validator()
    assert _python_calls_while(lambda: [validator.validate_json(r) for r in records]) == []
    assert _python_calls_while(lambda: Case.model_validate_json(records[0]))  # the full check does call them


def test_the_fast_path_skips_the_checks_of_nested_models() -> None:
    """As the top-level date above: a forged row with a control character in a party's name passes the
    fast path; the full check refuses it."""
    data = make_case().model_dump_json().replace('"name":"', '"name":"\\u0007', 1)
    forged = StoredRecord("(2024)川0104执1号", data, content_digest(data), CHECKS_VERSION)
    assert read_stored(forged) is not None
    with pytest.raises(ValidationError):
        Case.model_validate_json(data)
