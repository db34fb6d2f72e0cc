"""The engine wrapper: results equal the plain evaluator, chunks, stragglers, the lock, reload and retirement."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path
from typing import Any

import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.config import BUILTIN_RULEBOOK_DIR
from api.service import evaluation
from assign.errors import DataError, RulebookError
from rules.engine import RuleEngine
from rules.facts import FACTS
from rules.plain import PlainEvaluator
from rules.spec import Rulebook
from tests.factories import make_case, make_network
from tests.rules.conftest import base_facts

RULEBOOK_FILE = Path(__file__).resolve().parents[2] / "rules" / "rulebook" / "art237.yml"


def fact_strategy() -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, spec in FACTS.items():
        if spec.type is bool:
            fields[name] = st.booleans()
        elif spec.values:
            fields[name] = st.sampled_from(spec.values)
        else:
            fields[name] = st.integers(min_value=0, max_value=20_000_000)
    return st.fixed_dictionaries(fields)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(fact_strategy(), min_size=1, max_size=600))
def test_engine_equals_plain_python_on_random_facts(engine: RuleEngine, plain: PlainEvaluator,
                                                    records: list[dict[str, Any]]) -> None:
    assert engine.fire(records) == plain.evaluate(records)


def test_more_records_than_one_chunk_all_come_back_in_order(engine: RuleEngine, plain: PlainEvaluator) -> None:
    records = [base_facts(countable_days=i, period_exceeded=i % 2 == 0, petition_count=i % 3) for i in range(1001)]
    assert engine.fire(records) == plain.evaluate(records)
    assert engine._live_sids == set()


def test_silently_dropped_records_are_rerun_one_by_one(rulebook: Rulebook, plain: PlainEvaluator) -> None:
    eng = RuleEngine(rulebook)
    original = eng._host.assert_facts

    def drop_the_tail(name: str, facts: list[dict[str, Any]]) -> Any:
        return original(name, facts[: max(1, len(facts) // 2)])

    eng._host.assert_facts = drop_the_tail
    records = [base_facts(petition_count=i) for i in range(10)]
    assert eng.fire(records) == plain.evaluate(records)
    eng.retire()


def test_a_record_the_engine_never_answers_is_reported_by_case(rulebook: Rulebook) -> None:
    eng = RuleEngine(rulebook)
    eng._host.assert_facts = lambda name, facts: None
    with pytest.raises(DataError, match="case X-1 produced no result"):
        eng.fire([base_facts()], ["X-1"])
    eng.retire()


def test_reserved_fields_are_refused(engine: RuleEngine) -> None:
    with pytest.raises(DataError, match="reserved"):
        engine.fire([{**base_facts(), "sid": 1}])


def test_threads_share_the_engine_safely(engine: RuleEngine, plain: PlainEvaluator) -> None:
    records = [base_facts(period_exceeded=True, interference_count=i % 2) for i in range(300)]
    expected = plain.evaluate(records)
    results: list[bool] = []

    def work() -> None:
        for _ in range(5):
            results.append(engine.fire(records) == expected)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 20


def test_retired_engine_refuses_and_memory_stays_flat_across_reloads(rulebook: Rulebook) -> None:
    proc = psutil.Process()
    for _ in range(50):
        RuleEngine(rulebook).retire()
    before = proc.memory_info().rss
    for _ in range(1000):
        eng = RuleEngine(rulebook)
        eng.fire([base_facts()])
        eng.retire()
    grown_mb = (proc.memory_info().rss - before) / 2**20
    assert grown_mb < 20, f"RSS grew {grown_mb:.1f} MB over 1000 reloads"
    with pytest.raises(RulebookError, match="retired"):
        eng.fire([base_facts()])


def test_hot_reload_swaps_engines_and_keeps_verdict_versions(tmp_path: Path) -> None:
    shutil.copy(RULEBOOK_FILE, tmp_path / "art237.yml")
    network = make_network()
    first = evaluation.get_engine(tmp_path)
    assert evaluation.get_engine(tmp_path) is first
    from datetime import date

    old = evaluation.evaluate_cases([make_case()], network, date(2024, 8, 1), engine=first)[0]
    path = tmp_path / "art237.yml"
    path.write_text(re.sub(r'^version: "([^"]+)"', r'version: "\1-next"', path.read_text(encoding="utf-8"),
                           count=1, flags=re.M), encoding="utf-8")
    second = evaluation.get_engine(tmp_path)
    assert second is not first and first.retired and second.name != first.name
    builtin = evaluation.get_engine(BUILTIN_RULEBOOK_DIR)  # another directory: unaffected
    new = evaluation.evaluate_cases([make_case()], network, date(2024, 8, 1), engine=builtin)
    assert old.rulebook_version.hash == first.rulebook.content_hash != second.rulebook.content_hash
    assert new[0].outcome == old.outcome
    path.write_text("id: broken\n", encoding="utf-8")  # a failing rulebook is never loaded
    assert evaluation.get_engine(tmp_path) is second
    second.retire()


def fnv1a_32(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def test_fact_ids_and_sids_never_share_a_32_bit_hash() -> None:
    from rules.engine import MAX_CHUNK

    assert len({fnv1a_32(str(i)) for i in range(MAX_CHUNK)}) == MAX_CHUNK
    assert len({fnv1a_32(str(i)) for i in range(1, 1001)}) == 1000


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(fact_strategy(), min_size=1, max_size=200))
def test_closure_compiled_plain_evaluator_agrees(plain: PlainEvaluator, rulebook: Rulebook,
                                                 records: list[dict[str, Any]]) -> None:
    from rules.compiler import compile_rulebook
    from rules.plain import CompiledPlainEvaluator

    assert CompiledPlainEvaluator(compile_rulebook(rulebook)).evaluate(records) == plain.evaluate(records)


def test_a_retired_process_engine_is_replaced_on_the_next_call(tmp_path: Path) -> None:
    from datetime import date

    shutil.copy(RULEBOOK_FILE, tmp_path / "art237.yml")
    first = evaluation.get_engine(tmp_path)
    first.retire()  # e.g. retired by a reload in another thread between get_engine and fire
    second = evaluation.get_engine(tmp_path)
    assert second is not first and not second.retired
    verdict = evaluation.evaluate_cases([make_case()], make_network(), date(2024, 8, 1), engine=second)[0]
    assert verdict.rulebook_version.hash == first.rulebook.content_hash  # same content, same version
    second.retire()


def test_matched_ids_are_read_off_the_text_or_else_parsed() -> None:
    import json

    from rules.engine import _matched_ids

    facts = [{"t": "case", "id": i, "sid": 3, "f0": f'x, "id": 9{i}', "f1": '{"m":'} for i in (4, 17)]
    capped = json.dumps({"flag.a_b": [{"m": f} for f in facts]}, ensure_ascii=False)
    assert _matched_ids(capped) == ("flag.a_b", [4, 17])
    single = json.dumps({"outcome.x": {"m": facts[1]}}, separators=(",", ":"))  # not the text as sent: parsed
    assert _matched_ids(single) == ("outcome.x", [17])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=fact_strategy(), text=st.text(), position=st.integers(0, 249))
def test_a_record_is_sent_as_json_dumps_writes_it(engine: RuleEngine, record: dict[str, Any], text: str,
                                                   position: int) -> None:
    import json

    from rules.compiler import MARKER

    record["case_state"] = text  # any text, escapes included
    sent = {**MARKER, "id": position, "sid": 7, **{short: record[name] for name, short in engine._fields}}
    assert engine._record_text(record, position, 7) == json.dumps(sent, ensure_ascii=False)
    del record["obligation"]
    del sent[dict(engine._fields)["obligation"]]
    assert engine._record_text(record, position, 7) == json.dumps(sent, ensure_ascii=False)
