"""`evaluate_store` on SQLite (and PostgreSQL when configured): two workers, linked cases counted store-wide."""

from __future__ import annotations

from datetime import date

from api.config import BUILTIN_RULEBOOK_DIR
from api.service import evaluation, store
from assign import repository
from assign.db import session_scope
from assign.importer import import_cases
from rules.loader import load_rulebook
from tests.factories import make_case, make_network

RULEBOOK = load_rulebook(BUILTIN_RULEBOOK_DIR)

AS_OF = date(2024, 8, 1)


def test_store_pass_evaluates_and_saves_every_open_case(db_url: str) -> None:
    url = db_url
    db = store.open_store(url)
    network = make_network()
    debtor = {"id": "91510104MA6C0000LK", "name": "关联公司", "kind": "company", "domicile_division": "510104"}
    linked = [make_case(f"(2024)川0104执{i}号", debtor=debtor) for i in range(10)]
    others = [make_case(f"(2024)川0105执{i}号", court_code="B510105", debtor=dict(debtor, id=f"9151010500000{i:05d}"))
              for i in range(40)]
    closed = [make_case("(2023)川0104执1号", status="concluded")]
    report = import_cases(db, [*linked, *others, *closed], as_of=AS_OF, network=network)
    assert report.ok
    seen: list[tuple[int, int]] = []
    run = evaluation.evaluate_store(url, AS_OF, network=network, rulebook=RULEBOOK, workers=2, range_size=7, page=3,
                                    progress=lambda done, total: seen.append((done, total)))
    assert run.evaluated == 50 and run.ranges == 8
    assert seen[-1] == (50, 50)
    with session_scope(db) as session:
        verdicts = {v.case_no: v for v in repository.verdicts_on(session=session, as_of=AS_OF)}
    assert len(verdicts) == 50 and "(2023)川0104执1号" not in verdicts
    # the ten cases of one debtor sit in different ranges; the store-wide count still sees all ten
    assert all("RELATED_CASES_CONCENTRATION" in verdicts[c.case_no].flags for c in linked)
    assert not any("RELATED_CASES_CONCENTRATION" in verdicts[c.case_no].flags for c in others)
    again = evaluation.evaluate_store(url, AS_OF, network=network, rulebook=RULEBOOK, workers=1)
    assert again.evaluated == 50
    with session_scope(db) as session:
        assert len(repository.verdicts_on(session=session, as_of=AS_OF)) == 50  # re-runs replace


def test_a_bad_stored_case_is_reported_and_the_rest_evaluated(db_url: str) -> None:
    from sqlalchemy import update

    from assign.models import CaseRow

    url = db_url
    db = store.open_store(url)
    network = make_network()
    import_cases(db, [make_case(f"(2024)川0104执{i}号") for i in range(6)], as_of=AS_OF, network=network)
    with session_scope(db) as session:  # the record now names a court the network does not have
        data = make_case("(2024)川0104执3号", court_code="B000000").model_dump_json()
        session.execute(update(CaseRow).where(CaseRow.case_no == "(2024)川0104执3号").values(data=data))
    run = evaluation.evaluate_store(url, AS_OF, network=network, rulebook=RULEBOOK, workers=1)
    assert (run.evaluated, run.rejected) == (5, 1)
    assert "(2024)川0104执3号" in run.problems[0] and "B000000" in run.problems[0]


def test_the_nightly_store_pass_counts_unfinished_cases_only(db_url: str) -> None:
    """§12.8 on the store route: open and 终本 cases of the debtor count, a concluded one does not."""
    db = store.open_store(db_url)
    network = make_network()
    debtor = {"id": "91510104MA6C0000ZB", "name": "终本公司", "kind": "company", "domicile_division": "510104"}
    zb = {"ruled_on": date(2024, 6, 1), "asset_queries": [], "undisposed_asset_ids": []}
    cases = [make_case(f"(2024)川0104执{300 + i}号", debtor=debtor) for i in range(8)]
    cases += [make_case(f"(2024)川0104执{310 + i}号", debtor=debtor, status="zhongben", zhongben=zb, assets=[])
              for i in range(2)]
    cases.append(make_case("(2024)川0104执320号", debtor=debtor, status="concluded"))
    assert import_cases(db, cases, as_of=AS_OF, network=network).ok
    evaluation.evaluate_store(db_url, AS_OF, network=network, rulebook=RULEBOOK, workers=1)
    with session_scope(db) as session:
        verdicts = repository.verdicts_on(session=session, as_of=AS_OF)
    assert len(verdicts) == 8 and all("RELATED_CASES_CONCENTRATION" in v.flags for v in verdicts)
    assert all(v.rulebook_version.id == "art237@1.2.1" and v.fired[0].explanation_zh for v in verdicts)
