"""Register feed import: row-level problems, valid rows stored, idempotent upsert by record_id, ids masked."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign.db import table_of
from assign.register_import import import_register_file, report_dict
from assign.registers import RegisterRow

DEBTOR = "510104198001010011"
HEADER = "record_id,party_id,asset_kind,registered_on,released_on,registry,location_division,value\n"


def _stored(engine: Engine) -> dict[str, tuple[object, ...]]:
    t = table_of(RegisterRow)
    with engine.connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(sa.select(t.c.record_id, t.c.party_id, t.c.released_on,
                                                                   t.c.registry, t.c.value))}


def test_csv_import_stores_valid_rows_and_reports_each_bad_one(engine: Engine) -> None:
    body = (HEADER + f"V1,{DEBTOR},vehicle,2024-05-01,,成都市公安局交通管理局,510104,85000\n"
            f"R1,{DEBTOR},real_estate,2023-01-01,2024-06-30,成都市不动产登记中心,510104,\n"
            f"X1,{DEBTOR},boat,2024-05-01,,某登记机关,,\n"  # unknown kind
            f"X2,{DEBTOR},equity,2024-05-01,2024-04-01,市场监督管理局,,\n"  # released before registered
            f"X3,bad id!,bank_account,2024-05-01,,某银行,,\n")
    report = import_register_file(engine, body.encode(), fmt="csv")
    assert report.counts == {"stored": 2, "updated": 0, "unchanged": 0}
    assert {(p.row, p.field) for p in report.rejected} == {(3, "asset_kind"), (4, "released_on"), (5, "party_id")}
    stored = _stored(engine)
    assert set(stored) == {"V1", "R1"}
    assert stored["V1"][2] == "成都市公安局交通管理局" and stored["R1"][1] is not None and stored["R1"][3] is None


def test_reimport_is_idempotent_and_a_change_updates_by_record_id(engine: Engine) -> None:
    rows = [{"record_id": "V1", "party_id": DEBTOR, "asset_kind": "vehicle", "registered_on": "2024-05-01",
             "registry": "交管局", "value": "85000"}]
    assert import_register_file(engine, json.dumps(rows).encode(), fmt="json").counts["stored"] == 1
    assert import_register_file(engine, json.dumps(rows).encode(), fmt="json").counts["unchanged"] == 1
    rows[0]["released_on"] = "2024-09-01"
    lines = "\n".join(json.dumps(r) for r in rows).encode()
    assert import_register_file(engine, lines, fmt="jsonl").counts["updated"] == 1
    assert len(_stored(engine)) == 1 and str(_stored(engine)["V1"][1]) == "2024-09-01"


def test_a_record_id_repeated_in_one_file_keeps_the_first_row(engine: Engine) -> None:
    body = HEADER + f"V1,{DEBTOR},vehicle,2024-05-01,,甲,,\nV1,{DEBTOR},vehicle,2024-06-01,,乙,,\n"
    report = import_register_file(engine, body.encode(), fmt="csv")
    assert report.counts["stored"] == 1
    assert [(p.row, p.field) for p in report.rejected] == [(2, "record_id")]
    assert "first at row 1" in report.rejected[0].reason and _stored(engine)["V1"][2] == "甲"


def test_the_report_never_carries_a_party_id_unmasked(engine: Engine) -> None:
    body = HEADER + f"{DEBTOR},{DEBTOR},vehicle,2024-05-01,,交管局,51,\n"  # an id as record_id; bad division
    out = json.dumps(report_dict(import_register_file(engine, body.encode(), fmt="csv")), ensure_ascii=False)
    assert DEBTOR not in out and "5101**********0011" in out


def test_a_missing_required_column_is_one_clear_error(engine: Engine) -> None:
    import pytest

    from assign.errors import DataError
    with pytest.raises(DataError, match="lacks required columns: party_id"):
        import_register_file(engine, b"record_id,asset_kind,registered_on,registry\nV1,vehicle,2024-05-01,x\n",
                             fmt="csv")


def test_an_unreadable_csv_header_is_a_clear_error_not_a_crash(engine: Engine) -> None:
    import pytest

    from assign.errors import DataError
    with pytest.raises(DataError, match="not valid CSV"):
        import_register_file(engine, b"record_id,party_id\r,asset_kind\nV1,X,vehicle\n", fmt="csv")
