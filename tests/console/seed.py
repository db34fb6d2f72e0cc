"""A small, realistic store for the console tests, built through the real pipeline.

Network: 四川省高级人民法院 with the 成都 and 绵阳 intermediate courts and their basic courts
(names and coordinates from the built-in national network). Cases: a dozen Chengdu cases
chosen to produce every kind of row the console shows (ordered, designated, mandatory
transfer, not yet, waiting) plus one 绵阳 case the 成都 dispatcher must never see.
Seeding goes import -> nightly run (evaluate, place, publish) -> a dispatcher key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.nightly.pipeline import NightlyOptions, run_nightly
from api.nightly.services import default_services
from api.service.store import import_case_file, load_court_file, open_store
from assign.access import Role, create_key
from assign.db import session_scope
from assign.network import builtin_network, courts_to_csv
from solver.instance import SolveParams

AS_OF = date(2025, 11, 20)
FORUM = "I510100"  # 四川省成都市中级人民法院
OTHER_FORUM = "I510700"  # 绵阳
HIDDEN_CASE = "(2024)川0703执77号"


@dataclass(frozen=True)
class SeededStore:
    engine: Engine
    url: str
    dispatcher_key: str
    other_key: str  # a 绵阳 dispatcher, to check scoping
    admin_key: str  # reads the audit chain
    run_id: str


def network_courts() -> list[Any]:
    net = builtin_network()
    keep = [net.get("H510000"), *net.subtree(FORUM), *net.subtree(OTHER_FORUM)]
    return keep


def _party(pid: str, name: str, kind: str, division: str, taxpayer: bool = False) -> dict[str, Any]:
    return {"id": pid, "name": name, "kind": kind, "domicile_division": division, "key_local_taxpayer": taxpayer}


def _case(no: str, court: str, received: date, *, debtor: dict[str, Any], applicant: dict[str, Any],
          amount: str = "850000", **extra: Any) -> dict[str, Any]:
    division = court[1:]
    data: dict[str, Any] = {
        "case_no": no, "court_code": court, "obligation": "money", "received_on": received.isoformat(),
        "filed_on": (received + timedelta(days=3)).isoformat(), "amount": amount, "recovered": "0", "status": "open",
        "debtor": debtor, "applicant": applicant,
        "assets": [{"id": "A1", "kind": "deposit", "value": amount, "available_at_application": True,
                    "location_division": division}],
        "measures": [{"kind": "notice", "on": (received + timedelta(days=5)).isoformat()},
                     {"kind": "asset_query", "on": (received + timedelta(days=9)).isoformat()}],
    }
    data.update(extra)
    return data


def seed_cases() -> list[dict[str, Any]]:
    p = _party
    person = p("510105198203040021", "李明", "person", "510105")
    cases = [
        _case("(2024)川0104执1201号", "B510104", date(2024, 6, 3), applicant=person,
              debtor=p("91510104MA61A0001X", "成都锦宏建材有限公司", "company", "510104")),
        _case("(2024)川0105执388号", "B510105", date(2024, 9, 12), applicant=p("510107199001010032", "王芳", "person",
              "510107"), debtor=p("91510105MA62B0002Y", "成都青羊商贸有限公司", "company", "510105", True),
              interference_reports=["2025-03-02"], petitions=["2025-05-06", "2025-07-08"]),
        _case("(2024)川0106执951号", "B510106", date(2024, 3, 18),
              applicant=p("91510100MA6CC0003Q", "四川蓉信融资担保有限公司", "company", "510104"),
              debtor=p("11510106MB0D00040P", "成都市金牛区某街道办事处", "government", "510106"),
              amount="3200000"),
        _case("(2024)川0107执2210号", "B510107", date(2024, 2, 1), applicant=p("510104197805050043", "赵强", "person",
              "510104"), debtor=p("91510107MA6DD0005R", "成都武侯置业有限公司", "state_owned", "510107", True),
              amount="12600000", excluded_periods=[{"kind": "appraisal", "start": "2024-04-01", "end": "2024-05-20"}],
              supervision_orders=[{"issued_by": FORUM, "issued_on": "2025-03-01", "deadline": "2025-05-31"}]),
        _case("(2024)川0108执640号", "B510108", date(2024, 11, 5), applicant=p("510108198511110054", "陈静", "person",
              "510108"), debtor=p("91510108MA6EE0006S", "成都成华物流有限公司", "company", "510108"), amount="420000"),
        _case("(2025)川0112执120号", "B510112", date(2025, 1, 6), applicant=p("510112199212120065", "刘洋", "person",
              "510112"), debtor=p("91510112MA6FF0007T", "成都龙泉驿汽车配件有限公司", "company", "510112", True),
              interference_reports=["2025-06-01"], amount="2750000"),
        _case("(2025)川0113执77号", "B510113", date(2025, 8, 1), applicant=p("510113198001010076", "周杰", "person",
              "510113"), debtor=p("91510113MA6GG0008U", "成都青白江钢材有限公司", "company", "510113")),
        _case("(2024)川0114执505号", "B510114", date(2024, 5, 20), applicant=p("510114197707070087", "吴敏", "person",
              "510114"), debtor=p("91510114MA6HH0009V", "成都新都家具有限公司", "company", "510114"),
              supervision_orders=[{"issued_by": FORUM, "issued_on": "2025-10-10", "deadline": "2025-12-31"}]),
        _case("(2024)川0115执818号", "B510115", date(2024, 7, 15), applicant=p("510115198909090098", "郑丽", "person",
              "510115"), debtor=p("91510115MA6JJ0010W", "成都温江农业开发有限公司", "company", "510115"),
              amount="1280000"),
        _case("(2024)川0116执303号", "B510116", date(2024, 4, 8), applicant=p("510116198303030109", "孙伟", "person",
              "510116"), debtor=p("91510116MA6KK0011X", "成都双流航空服务有限公司", "state_owned", "510116", True),
              amount="5600000", petitions=["2025-02-10"]),
        _case(HIDDEN_CASE, "B510703", date(2024, 4, 1), applicant=p("510703198001010110", "马超", "person", "510703"),
              debtor=p("91510703MA6LL0012Y", "绵阳涪城电子有限公司", "company", "510703")),
    ]
    return cases


def seed_store(directory: Path, url: str | None = None) -> SeededStore:
    """Seed a fresh database: an SQLite file in `directory`, or the empty database at `url`."""
    url = url or f"sqlite:///{directory / 'console.sqlite'}"
    engine = open_store(url)
    courts_csv = directory / "courts.csv"
    courts_csv.write_text(courts_to_csv(network_courts()), encoding="utf-8")
    load_court_file(engine, courts_csv)
    cases_json = directory / "cases.json"
    cases_json.write_text(json.dumps(seed_cases(), ensure_ascii=False), encoding="utf-8")
    report = import_case_file(engine, cases_json, as_of=AS_OF)
    if report.rejected:  # the seed itself must be valid interchange data
        raise AssertionError(f"seed cases rejected: {[str(p) for p in report.rejected]}")
    services = default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=1,
                                solve_params=SolveParams(time_limit_s=5.0, workers=1, seed=7))
    night = run_nightly(engine, as_of=AS_OF, services=services, options=NightlyOptions(workers=1))
    with session_scope(engine) as session:
        _, key = create_key(session=session, role=Role.DISPATCHER, court_code=FORUM, label="成都中院调度员")
        _, other = create_key(session=session, role=Role.DISPATCHER, court_code=OTHER_FORUM, label="绵阳中院调度员")
        _, admin = create_key(session=session, role=Role.ADMIN, label="审计")
    return SeededStore(engine=engine, url=url, dispatcher_key=key, other_key=other, admin_key=admin,
                       run_id=night.run_id)
