"""§12.12: one sentence per fired rule with its deciding facts; law and policy apart; exact citations;
and the rulebook discipline (a new version; 1.1.0 still loadable for replaying old verdicts)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from assign.errors import RulebookError
from assign.generator import generate_cases
from assign.network import CourtNetwork
from assign.schemas import Flag, Outcome
from rules.engine import RuleEngine
from rules.evaluate import evaluate_cases
from rules.explain import PLACEHOLDERS
from rules.facts import FACTS
from rules.loader import load_rulebook_version, parse_rulebook
from rules.spec import Rulebook
from tests.factories import make_case
from tests.rules.s12 import D, order, sentence, verdict

RULEBOOK_DIR = Path(__file__).resolve().parents[2] / "rules" / "rulebook"
HASH_1_1_0 = "581b603186c7230954d186c8864c81a7d0e4b197248952c2c229d6cd71a161b3"
# Engine tokens a dispatcher must never read: flag codes, outcomes, fact names and closed fact values.
TOKENS = {f.value for f in Flag} | {o.value for o in Outcome} | set(FACTS) | {
    v for spec in FACTS.values() for v in spec.values if "_" in v or v.isupper()} | {"10(1)", "10(2)", "10(3)", "10(4)"}


def test_every_rule_has_a_sentence_and_sources(rulebook: Rulebook) -> None:
    for rule in rulebook.rules:
        assert rule.explain_zh and (rule.law or rule.policy), rule.id


def test_generated_cases_get_sentences_with_facts_not_tokens(network: CourtNetwork, engine: RuleEngine) -> None:
    as_of = date(2025, 6, 30)
    verdicts = evaluate_cases(list(generate_cases(network, 1500, seed=11, as_of=as_of)), network, as_of, engine)
    seen: set[str] = set()
    for v in verdicts:
        for f in v.fired:
            seen.add(f.rule_id)
            text = f.explanation_zh
            assert text and "{" not in text and "}" not in text, (v.case_no, f.rule_id)
            words = set(re.findall(r"[A-Za-z_()0-9]+", text))
            assert not words & TOKENS, (f.rule_id, words & TOKENS, text)
            assert f.legal_basis == "；".join(f.law or f.policy)
    assert len(seen) >= 15, seen


def test_the_eligible_sentence_names_its_dates_and_days(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, D(2024, 8, 1))
    text = sentence(v, "outcome.eligible")
    for part in ("自2024年1月10日（收到申请执行书之日）起算", "至2024年7月10日满六个月", "自2024年7月11日起超过六个月",
                 "已计204日", "I510100人民法院可以"):
        assert part in text, (part, text)
    eligible = next(f for f in v.fired if f.rule_id == "outcome.eligible")
    assert "执行程序解释第十条第（一）项" in eligible.law and not eligible.policy
    assert "委托执行规定第十一条" not in eligible.law and all(eligible.law)


def test_an_entrusted_case_cites_the_entrustment_rule_and_its_clock_start(network: CourtNetwork,
                                                                          engine: RuleEngine) -> None:
    v = verdict(network, engine, D(2024, 10, 1), entrusted={"to_court": "B510703", "filed_on": D(2024, 3, 1)})
    eligible = next(f for f in v.fired if f.rule_id == "outcome.eligible")
    assert "委托执行规定第十一条" in eligible.law
    assert "自2024年3月1日（受托法院立案之日）起算" in eligible.explanation_zh
    assert "I510700人民法院可以" in eligible.explanation_zh  # the entrusted court's 上一级


def test_the_item_of_art_10_cited_is_the_one_applied(network: CourtNetwork, engine: RuleEngine) -> None:
    found = [{"id": "A1", "kind": "deposit", "value": "1", "available_at_application": False,
              "discovered_on": D(2024, 1, 10)}]
    v = verdict(network, engine, D(2024, 8, 1), assets=found)
    assert v.basis == "10(2)" and "执行程序解释第十条第（二）项" in v.fired[0].law


def test_a_null_forum_is_the_supreme_peoples_court(network: CourtNetwork, engine: RuleEngine) -> None:
    v = verdict(network, engine, D(2024, 8, 1), court_code="H510000")
    assert v.forum is None and "最高人民法院可以" in sentence(v, "outcome.eligible")


def test_petitions_cite_the_supervision_rule_and_thresholds_are_policy(network: CourtNetwork,
                                                                     engine: RuleEngine) -> None:
    v = verdict(network, engine, D(2024, 8, 1), petitions=[D(2024, 6, 1)], amount="20000000")
    petitions = next(f for f in v.fired if f.rule_id == "flag.petitions")
    assert petitions.law == ["督办规定第二条"]
    large = next(f for f in v.fired if f.rule_id == "mode.escalate_large_amount")
    assert any("10,000,000元" in p for p in large.policy)
    assert not any("第15" in c or "第十五" in c for c in large.law + large.policy)  # item 15 = a lower court's request


def test_policy_rules_cite_no_law(rulebook: Rulebook) -> None:
    """§12.6: stalled assets are a regional criterion; §8 indicators are policy."""
    for rule_id in ("flag.asset_undisposed", "flag.local_protection", "flag.interference", "flag.cross_enforcement"):
        rule = rulebook.rule(rule_id)
        assert rule.policy and not rule.law, rule_id


def test_a_template_naming_an_unknown_placeholder_is_refused() -> None:
    text = (RULEBOOK_DIR / "art237.yml").read_text(encoding="utf-8")
    with pytest.raises(RulebookError, match="unknown placeholder"):
        parse_rulebook(text.replace("{counted_days}", "{days_counted}", 1), "bad.yml")
    with pytest.raises(RulebookError, match="unknown param"):
        parse_rulebook(text.replace("{params[escalation_amount_yuan]:,}", "{params[nope]:,}", 1), "bad.yml")
    assert "counted_days" in PLACEHOLDERS


# ---------------------------------------------------------------- rulebook discipline


def test_the_old_rulebook_stays_loadable_and_replays_its_verdicts(network: CourtNetwork, rulebook: Rulebook) -> None:
    old = load_rulebook_version(RULEBOOK_DIR, "art237", "1.1.0")
    assert old.version == "1.1.0" and old.content_hash == HASH_1_1_0 != rulebook.content_hash
    assert load_rulebook_version(RULEBOOK_DIR, "art237", rulebook.version) == rulebook
    engine = RuleEngine(old)
    try:  # 1.1.0's reading: a lapsed order of the court's own motion was Art. 12 (since corrected, §12.1)
        case = make_case(supervision_orders=[order(D(2024, 3, 1), D(2024, 4, 1))])
        replay = evaluate_cases([case], network, D(2024, 5, 1), engine)[0]
        assert replay.outcome == Outcome.MANDATORY_TRANSFER and replay.rulebook_version.hash == HASH_1_1_0
        assert replay.fired[0].explanation_zh == ""  # 1.1.0 had no sentences
    finally:
        engine.retire()
    with pytest.raises(RulebookError, match="no rulebook art237 0.9"):
        load_rulebook_version(RULEBOOK_DIR, "art237", "0.9")
