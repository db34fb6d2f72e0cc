"""Loading refuses bad rulebooks: schema, unknown facts/operators/params/flags, duplicates, gaps, limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from api.cli.rules_cmd import golden_text
from assign.errors import RulebookError
from rules.checks import check_rulebook, coverage
from rules.compiler import MARKER, OPERATORS, compile_rulebook
from rules.loader import load_rulebook, parse_rulebook
from rules.spec import Rulebook

RULEBOOK_FILE = Path(__file__).resolve().parents[2] / "rules" / "rulebook" / "art237.yml"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"

MINIMAL = """
id: tiny
version: "1"
params: {limit: 3}
rules:
  - id: outcome.closed
    label_zh: 已结
    legal_basis: 第二百三十七条
    when: {all: [{fact: case_state, op: eq, value: closed}]}
    sets: {outcome: NO_ACTION}
  - id: outcome.other
    label_zh: 其他
    legal_basis: 第二百三十七条
    when: {all: [{fact: case_state, op: ne, value: closed}]}
    sets: {outcome: NOT_ELIGIBLE}
"""


def doc(**changes: object) -> dict:
    d = yaml.safe_load(MINIMAL)
    d.update(changes)
    return d


def text(d: dict) -> str:
    return yaml.safe_dump(d, allow_unicode=True)


def with_rule(**rule: object) -> str:
    d = doc()
    base = {"id": "flag.x", "label_zh": "x", "legal_basis": "y",
            "when": {"all": [{"fact": "petition_count", "op": "gte", "value": 1}]}, "sets": {"flags": ["PETITIONS"]}}
    base.update(rule)
    d["rules"].append(base)
    return text(d)


def test_the_shipped_rulebook_loads_and_covers_every_combination() -> None:
    rb = load_rulebook(RULEBOOK_FILE)
    report = check_rulebook(rb)
    assert report.ok and report.combinations == 432
    assert rb.params["linked_cases_for_concentration"] == 10


def test_golden_compiled_ruleset_is_current() -> None:
    golden = GOLDEN_DIR / "art237.json"
    assert golden.read_text(encoding="utf-8") == golden_text(RULEBOOK_FILE), (
        "compiled rulebook changed: review, then run `assign rules compile --write tests/rules/golden`")


def test_every_compiled_rule_tests_the_record_marker_first(rulebook: Rulebook) -> None:
    for rule_id, rule in compile_rulebook(rulebook).items():
        assert rule["all"][0]["m"]["$and"][0] == MARKER, rule_id


def test_params_are_substituted_not_literals_in_code(rulebook: Rulebook) -> None:
    compiled = json.dumps(compile_rulebook(rulebook)["flag.related_cases"])
    assert '"linked_case_count": 10' in compiled
    d = yaml.safe_load(RULEBOOK_FILE.read_text(encoding="utf-8"))
    d["params"]["linked_cases_for_concentration"] = 4
    changed = parse_rulebook(text(d))
    assert '"linked_case_count": 4' in json.dumps(compile_rulebook(changed)["flag.related_cases"])
    assert changed.content_hash != rulebook.content_hash


@pytest.mark.parametrize(("source", "message"), [
    ("rules: [", "not valid YAML"),
    (text(doc(rules=[])), "schema errors"),
    (text(doc(surprise=1)), "schema errors"),
    (with_rule(when={"all": [{"fact": "no_such_fact", "op": "eq", "value": 1}]}), "unknown fact"),
    (with_rule(when={"all": [{"fact": "petition_count", "op": "approx", "value": 1}]}), "unknown operator"),
    (with_rule(when={"all": [{"fact": "case_state", "op": "gt", "value": "open"}]}), "does not apply"),
    (with_rule(when={"all": [{"fact": "case_state", "op": "eq", "value": "shut"}]}), "not one of"),
    (with_rule(when={"all": [{"fact": "petition_count", "op": "eq", "value": "1"}]}), "is not a int"),
    (with_rule(when={"all": [{"fact": "petition_count", "op": "gte", "value": {"param": "nope"}}]}), "unknown param"),
    (with_rule(when={"all": [{"fact": "sid", "op": "eq", "value": 1}]}), "reserved"),
    (with_rule(id="outcome.closed"), "duplicate id"),
    (with_rule(sets={"flags": ["MADE_UP"]}), "unknown flag"),
    (with_rule(sets={"modes": ["order"]}), "belong to outcome rules"),
])
def test_bad_rulebooks_are_refused_with_a_reason(source: str, message: str) -> None:
    with pytest.raises(RulebookError, match=message):
        parse_rulebook(source, "test.yml")


def test_gaps_and_overlaps_are_reported() -> None:
    d = doc()
    d["rules"][1]["when"] = {"all": [{"fact": "case_state", "op": "eq", "value": "open"}]}
    gap = coverage(parse_rulebook(text(d)))
    assert gap.gaps == [{"case_state": "zhongben"}] and not gap.overlaps
    d["rules"][1]["when"] = {"all": [{"fact": "case_state", "op": "in", "value": ["open", "closed", "zhongben"]}]}
    overlap = coverage(parse_rulebook(text(d)))
    assert overlap.overlaps == [({"case_state": "closed"}, ["outcome.closed", "outcome.other"])]
    with pytest.raises(RulebookError, match="overlap"):
        check_rulebook(parse_rulebook(text(d)))


def test_outcome_rules_may_only_read_finite_facts() -> None:
    d = doc()
    d["rules"][1]["when"]["all"].append({"fact": "petition_count", "op": "gte", "value": 1})
    assert "no finite domain" in " ".join(coverage(parse_rulebook(text(d))).problems)


def test_a_rulebook_over_the_engine_rule_limit_is_refused_at_load(tmp_path: Path) -> None:
    d = doc()
    for i in range(70):
        d["rules"].append({"id": f"flag.p{i}", "label_zh": "x", "legal_basis": "y",
                           "when": {"all": [{"fact": "petition_count", "op": "gte", "value": i}]},
                           "sets": {"flags": ["PETITIONS"]}})
    (tmp_path / "big.yml").write_text(text(d), encoding="utf-8")
    with pytest.raises(RulebookError, match="error 303"):
        load_rulebook(tmp_path)


def test_a_directory_must_hold_one_rulebook(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.yml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(RulebookError, match="exactly one"):
        load_rulebook(tmp_path)


def test_operator_table_covers_durable_comparisons() -> None:
    assert {op.durable for op in OPERATORS.values()} >= {None, "$neq", "$gt", "$gte", "$lt", "$lte", "$or", "$and"}
