"""The alerts ruleset goes through the same loader, checks, compiler and engine as art237, with
its own fact registry, id, version and content hash."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from api.cli import app
from api.cli.rules_cmd import golden_text
from assign.errors import RulebookError
from rules.loader import load_rulebook, parse_rulebook, rulebook_file
from tests.alerts.conftest import RULEBOOK_DIR

GOLDEN = Path(__file__).resolve().parents[1] / "rules" / "golden" / "alerts.json"
ALERTS_FILE = RULEBOOK_DIR / "alerts.yml"


def alerts_doc() -> dict:
    return yaml.safe_load(ALERTS_FILE.read_text(encoding="utf-8"))


def test_a_directory_holds_one_file_per_ruleset() -> None:
    assert rulebook_file(RULEBOOK_DIR).name == "art237.yml"
    assert rulebook_file(RULEBOOK_DIR, "alerts").name == "alerts.yml"
    alerts, art237 = load_rulebook(RULEBOOK_DIR, "alerts"), load_rulebook(RULEBOOK_DIR)
    assert (alerts.id, alerts.version) == ("alerts", "1.0.0") and alerts.content_hash != art237.content_hash
    assert alerts.versioned_name.startswith("alerts_")


def test_a_directory_without_alerts_yml_has_no_alerts_ruleset(tmp_path: Path) -> None:
    (tmp_path / "custom.yml").write_text((RULEBOOK_DIR / "art237.yml").read_text(encoding="utf-8"), encoding="utf-8")
    assert rulebook_file(tmp_path).name == "custom.yml"
    with pytest.raises(RulebookError, match="found 0"):
        rulebook_file(tmp_path, "alerts")


def test_the_golden_compiled_alerts_ruleset_is_current() -> None:
    assert GOLDEN.read_text(encoding="utf-8") == golden_text(ALERTS_FILE), "run assign rules compile --write"


def test_an_alert_rule_may_read_only_alert_facts() -> None:
    doc = alerts_doc()
    doc["rules"][0]["when"] = {"all": [{"fact": "period_exceeded", "op": "eq", "value": True}]}
    with pytest.raises(RulebookError) as e:
        parse_rulebook(yaml.safe_dump(doc, allow_unicode=True))
    assert "unknown fact" in " ".join(e.value.details)


def test_an_alert_rule_sets_a_known_node_and_no_outcome() -> None:
    doc = alerts_doc()
    doc["rules"][0]["sets"] = {"alert": "no_such_node", "severity": "low", "outcome": "ELIGIBLE"}
    with pytest.raises(RulebookError) as e:
        parse_rulebook(yaml.safe_dump(doc, allow_unicode=True))
    problems = " ".join(e.value.details)
    assert "`outcome` is not an effect of a alerts ruleset" in problems and "one of closing_deadline" in problems


def test_an_art237_rule_may_not_set_an_alert() -> None:
    doc = yaml.safe_load((RULEBOOK_DIR / "art237.yml").read_text(encoding="utf-8"))
    doc["rules"][-1]["sets"]["alert"] = "notice"
    with pytest.raises(RulebookError, match="invalid rulebook"):
        parse_rulebook(yaml.safe_dump(doc, allow_unicode=True))


def test_rules_check_covers_both_rulesets() -> None:
    result = CliRunner().invoke(app, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "rulebook alerts 1.0.0" in result.output and "rulebook art237" in result.output


def test_rules_check_fails_on_a_broken_alerts_file(tmp_path: Path) -> None:
    doc = alerts_doc()
    doc["rules"][0]["when"] = {"all": [{"fact": "notice_state", "op": "eq", "value": "tardy"}]}
    (tmp_path / "alerts.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "check", str(tmp_path)])
    assert result.exit_code == 1 and "tardy" in result.output
