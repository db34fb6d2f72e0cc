"""Persistence on both backends: import upsert, idempotency, atomicity, verdicts, networks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from api.service import store
from assign import repository
from assign.db import session_scope
from assign.errors import DataError
from assign.importer import import_cases
from assign.schemas import CaseStatus, Outcome, RulebookVersion, Verdict
from tests.factories import make_case, make_court, make_network

AS_OF = date(2024, 12, 31)


def _write_cases(path: Path, cases: list) -> Path:
    path.write_text(json.dumps([c.model_dump(mode="json") for c in cases], ensure_ascii=False), encoding="utf-8")
    return path


def test_import_is_idempotent_and_upserts_by_case_no(engine: Engine, tmp_path: Path) -> None:
    net = make_network()
    cases = [make_case(f"(2024)川0104执{i}号") for i in range(1, 4)]
    f = _write_cases(tmp_path / "cases.json", cases)
    first = store.import_case_file(engine, f, as_of=AS_OF, network=net)
    assert (first.counts, first.rejected) == ({"stored": 3, "updated": 0, "unchanged": 0}, [])
    again = store.import_case_file(engine, f, as_of=AS_OF, network=net)
    assert again.counts == {"stored": 0, "updated": 0, "unchanged": 3}
    changed = [cases[0].model_copy(update={"recovered": Decimal("1000.00")}), *cases[1:]]
    third = store.import_case_file(engine, _write_cases(tmp_path / "c2.json", changed), as_of=AS_OF, network=net)
    assert third.updated == ["(2024)川0104执1号"] and third.counts["unchanged"] == 2
    with session_scope(engine) as s:
        assert repository.count_cases(session=s) == 3
        assert repository.get_case(session=s, case_no="(2024)川0104执1号").recovered == Decimal("1000.00")


def test_bad_rows_reported_good_rows_stored(engine: Engine, tmp_path: Path) -> None:
    good = make_case("(2024)川0104执1号").model_dump(mode="json")
    bad = make_case("(2024)川0104执2号").model_dump(mode="json") | {"court_code": "B000000"}
    f = tmp_path / "mixed.json"
    f.write_text(json.dumps([good, bad], ensure_ascii=False), encoding="utf-8")
    report = store.import_case_file(engine, f, as_of=AS_OF, network=make_network())
    assert report.stored == ["(2024)川0104执1号"]
    assert [(p.row, p.field) for p in report.rejected] == [(2, "court_code")]


def test_iteration_and_debtor_counts(engine: Engine) -> None:
    cases = [make_case(f"(2024)川0104执{i}号") for i in range(1, 8)]
    closed = make_case("(2024)川0104执99号", status="concluded")
    import_cases(engine, [*cases, closed], as_of=AS_OF, network=make_network(), batch_size=3)
    with session_scope(engine) as s:
        batches = list(repository.iter_open_cases(session=s, batch_size=3))
        assert [len(b) for b in batches] == [3, 3, 1]
        assert sorted(c.case_no for b in batches for c in b) == sorted(c.case_no for c in cases)
        assert repository.debtor_case_counts(session=s) == {cases[0].debtor.id: 7}
        assert repository.count_cases(session=s, status=CaseStatus.CONCLUDED) == 1


def test_verdicts_are_not_duplicated_on_rerun(engine: Engine) -> None:
    rb = RulebookVersion(id="art237", hash="abc")
    v = Verdict(case_no="(2024)川0104执1号", as_of=AS_OF, outcome="NOT_YET", rulebook_version=rb)
    with session_scope(engine) as s:
        repository.save_verdicts(session=s, verdicts=[v])
    with session_scope(engine) as s:
        repository.save_verdicts(session=s, verdicts=[v.model_copy(update={"outcome": Outcome.ELIGIBLE})])
    with session_scope(engine) as s:
        assert [x.outcome.value for x in repository.verdicts_on(session=s, as_of=AS_OF)] == ["ELIGIBLE"]
        assert repository.latest_verdict(session=s, case_no=v.case_no).outcome.value == "ELIGIBLE"


def test_custom_network_replaces_builtin_and_bad_network_is_refused(engine: Engine, tmp_path: Path) -> None:
    net = make_network()
    f = tmp_path / "courts.json"
    f.write_text(json.dumps([c.model_dump(mode="json") for c in net], ensure_ascii=False), encoding="utf-8")
    store.load_court_file(engine, f)
    assert store.current_network(engine).content_hash == net.content_hash
    bad = [c.model_dump(mode="json") for c in net] + [make_court("B510199", parent="I999999").model_dump(mode="json")]
    f.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"row 9 \(B510199\): parent_code"):
        store.load_court_file(engine, f)
    assert len(store.current_network(engine)) == len(net)  # the earlier network is still active


def test_process_killed_mid_import_leaves_nothing_half_written(tmp_path: Path) -> None:
    """SIGKILL after the first batch was written: the store must hold none of the file."""
    db = tmp_path / "kill.sqlite"
    script = textwrap.dedent(f"""
        import os, signal
        from datetime import date
        from api.service.store import open_store
        from assign.importer import import_cases
        from tests.factories import make_case, make_network
        engine = open_store("sqlite:///{db}")
        cases = (make_case(f"(2024)川0104执{{i}}号") for i in range(1, 2001))
        def die(n):
            os.kill(os.getpid(), signal.SIGKILL)
        import_cases(engine, cases, as_of=date(2024, 12, 31), network=make_network(), batch_size=500, progress=die)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == -9
    engine = store.open_store(f"sqlite:///{db}")
    with session_scope(engine) as s:
        assert repository.count_cases(session=s) == 0
