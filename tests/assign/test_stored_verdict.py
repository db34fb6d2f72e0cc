"""Stored verdicts name their fired rules' fixed texts (`assign.stored_verdict`): every reader sees exactly
the `Verdict` that was saved, on each backend; rows stored in the full form (before 0010) read unchanged;
the console's flag pre-filter finds the same verdicts."""

from __future__ import annotations

import functools
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.service import evaluation
from assign import repository, runs, stored_verdict, verdict_queue
from assign.db import session_scope
from assign.errors import DataError
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.models import VerdictRow, VerdictTextRow
from assign.network import builtin_network
from assign.schemas import Case, FiredRule, Verdict
from assign.stored_verdict import stored_json

AS_OF = date(2025, 6, 30)


@functools.cache
def _evaluated() -> tuple[tuple[Case, ...], tuple[Verdict, ...]]:
    network = builtin_network()
    cases = tuple(generate_cases(network, 300, seed=14, as_of=AS_OF))
    engine = evaluation.get_engine(BUILTIN_RULEBOOK_DIR)
    return cases, tuple(evaluation.evaluate_cases(list(cases), network, AS_OF, engine=engine))


def _store(engine: Engine) -> tuple[tuple[Case, ...], tuple[Verdict, ...]]:
    cases, verdicts = _evaluated()
    assert import_cases(engine, list(cases), as_of=AS_OF, network=builtin_network()).ok
    with session_scope(engine) as s:
        repository.save_verdicts(session=s, verdicts=verdicts)
    return cases, verdicts


def test_every_reader_sees_the_saved_verdict(engine: Engine) -> None:
    _, verdicts = _store(engine)
    with session_scope(engine) as s:
        stored = dict(s.execute(sa.select(VerdictRow.case_no, VerdictRow.data)).all())
        texts = s.execute(sa.select(sa.func.count()).select_from(VerdictTextRow)).scalar_one()
        on_day = {v.case_no: v for v in repository.verdicts_on(session=s, as_of=AS_OF)}
        latest = {v.case_no: repository.latest_verdict(session=s, case_no=v.case_no) for v in verdicts[:40]}
        day = runs.day_verdicts(session=s, as_of=AS_OF, rulebook_hash=verdicts[0].rulebook_version.hash,
                                case_nos=[v.case_no for v in verdicts])
        queued = verdict_queue.queued_verdicts(session=s, as_of=AS_OF, court_codes=None,
                                               outcomes=sorted({str(v.outcome) for v in verdicts}))
    # the texts are stored once, not in the verdicts
    assert all(v.fired for v in verdicts) and 0 < texts < 200
    assert not any('"label_zh"' in data or '"legal_basis"' in data for data in stored.values())
    assert on_day == {v.case_no: v for v in verdicts}
    assert all(latest[no] == on_day[no] for no in latest)
    assert {no: Verdict.model_validate_json(data) for no, data in day.items()} == on_day
    assert {q.case_no: Verdict.model_validate_json(q.data) for q in queued} == on_day
    full_bytes = sum(len(v.model_dump_json().encode()) for v in verdicts)
    assert sum(len(data.encode()) for data in stored.values()) < 0.75 * full_bytes


def test_a_verdict_stored_in_the_full_form_reads_unchanged(engine: Engine) -> None:
    _, verdicts = _evaluated()
    old = verdicts[0]
    with session_scope(engine) as s:  # as the code before migration 0010 wrote it
        s.add(VerdictRow(case_no=old.case_no, as_of=old.as_of, outcome=str(old.outcome), forum=old.forum,
                         rulebook_hash=old.rulebook_version.hash, data=old.model_dump_json()))
    with session_scope(engine) as s:
        assert repository.latest_verdict(session=s, case_no=old.case_no) == old
        assert repository.verdicts_on(session=s, as_of=old.as_of) == [old]


def test_the_flag_pre_filter_finds_every_verdict_with_the_flag(engine: Engine) -> None:
    """The console's queue pre-filters `data` on the quoted flag: the stored form keeps flags inline."""
    _, verdicts = _store(engine)
    outcomes = sorted({str(v.outcome) for v in verdicts})
    flags = sorted({f for v in verdicts for f in v.flags})
    assert len(flags) >= 5
    with session_scope(engine) as s:
        for flag in flags:
            found = verdict_queue.queued_verdicts(session=s, as_of=AS_OF, court_codes=None, outcomes=outcomes,
                                                  text=f'"{flag}"')
            kept = {q.case_no for q in found if flag in Verdict.model_validate_json(q.data).flags}
            assert kept == {v.case_no for v in verdicts if flag in v.flags}, flag


def test_facts_that_look_like_the_stored_form_keep_the_full_form(engine: Engine) -> None:
    _, verdicts = _evaluated()
    odd = verdicts[0].model_copy(update={"case_no": "(2024)川0104执77号", "fired": [
        FiredRule(rule_id="x", label_zh="标签", legal_basis="依据", facts={"rule_id": "y", "@t": ["0" * 16]},
                  explanation_zh="说明")]})
    assert stored_json(odd, {}) == odd.model_dump_json()
    with session_scope(engine) as s:
        repository.save_verdicts(session=s, verdicts=[odd])
    with session_scope(engine) as s:
        assert repository.latest_verdict(session=s, case_no=odd.case_no) == odd


def test_a_verdict_naming_missing_texts_is_refused(engine: Engine) -> None:
    _, verdicts = _store(engine)
    with session_scope(engine) as s:
        s.execute(sa.delete(VerdictTextRow))
    stored_verdict._FRAGMENTS.clear()  # the process's cache of texts read before
    with session_scope(engine) as s, pytest.raises(DataError, match="verdict_text"):
        repository.latest_verdict(session=s, case_no=verdicts[0].case_no)
