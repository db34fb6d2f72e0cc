"""Read a rulebook: YAML -> JSON Schema -> frozen AST (+ content hash) -> semantic checks.

A rulebook that fails any check raises RulebookError naming the file and the rule, and is
never handed to an engine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from assign.errors import RulebookError
from assign.schemas import Outcome
from rules.checks import check_rulebook
from rules.compiler import OPERATORS
from rules.explain import template_problems
from rules.facts import RESERVED_FIELDS, FactSpec
from rules.profiles import ART237, PROFILES, profile_for
from rules.spec import Comparison, Effects, Group, ParamRef, Rule, Rulebook, Scalar

SCHEMA_PATH = Path(__file__).with_name("schema.json")


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def content_hash(document: Any) -> str:
    """sha256 of the canonical JSON of the parsed document (comments and layout do not count)."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def rulebook_file(path: str | Path, ruleset: str = "art237") -> Path:
    """The rulebook file itself, or the directory's rulebook of `ruleset`: `<ruleset>.yml` when
    present; for art237 (custom rulebooks keep their own names) else the single *.yml not named
    after another ruleset (e.g. `alerts.yml`). Another ruleset is found by its name only."""
    p = Path(path)
    if p.is_dir():
        files = sorted([*p.glob("*.yml"), *p.glob("*.yaml")])
        named = [f for f in files if f.stem == ruleset]
        files = named or ([f for f in files if f.stem not in PROFILES] if ruleset == ART237.id else [])
        if len(files) != 1:
            raise RulebookError(f"{p}: expected exactly one rulebook file (*.yml), found {len(files)}",
                                [f.name for f in files])
        return files[0]
    if not p.exists():
        raise RulebookError(f"{p}: no such rulebook")
    return p


def parse_document(text: str, source: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise RulebookError(f"{source}: not valid YAML: {e}") from None
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        details = [f"{'/'.join(str(x) for x in e.absolute_path) or '(top)'}: {e.message}" for e in errors]
        raise RulebookError(f"{source}: schema errors", details)
    return dict(document)  # the schema admits objects only


def _condition(raw: dict[str, Any], rule_id: str, params: dict[str, Any], problems: list[str],
               facts: Mapping[str, FactSpec]) -> Comparison | Group:
    if "all" in raw or "any" in raw:
        kind = "all" if "all" in raw else "any"
        return Group(kind, tuple(_condition(i, rule_id, params, problems, facts) for i in raw[kind]))
    fact, op, value = raw["fact"], raw["op"], raw["value"]
    where = f"rule {rule_id}: fact {fact}"
    spec = facts.get(fact)
    operator = OPERATORS.get(op)
    if fact in RESERVED_FIELDS:
        problems.append(f"{where}: reserved engine field")
    elif spec is None:
        problems.append(f"{where}: unknown fact (known: {', '.join(sorted(facts))})")
    if operator is None:
        problems.append(f"{where}: unknown operator {op!r} (known: {', '.join(OPERATORS)})")
    ref: Scalar | tuple[Scalar, ...] | ParamRef
    if isinstance(value, dict):
        if value["param"] not in params:
            problems.append(f"{where}: unknown param {value['param']!r}")
            return Comparison(fact, op, ParamRef(value["param"]))
        resolved, ref = params[value["param"]], ParamRef(value["param"])
    else:
        resolved, ref = value, tuple(value) if isinstance(value, list) else value
    if spec is None or operator is None:
        return Comparison(fact, op, ref)
    if spec.type not in operator.types:
        problems.append(f"{where}: operator {op} does not apply to a {spec.type.__name__} fact")
    values = resolved if isinstance(resolved, list) else [resolved]
    if operator.takes_list != isinstance(resolved, list):
        problems.append(f"{where}: operator {op} takes {'a list' if operator.takes_list else 'one value'}")
    for v in values:
        if type(v) is not spec.type:
            problems.append(f"{where}: value {v!r} is not a {spec.type.__name__}")
        elif spec.values and v not in spec.values:
            problems.append(f"{where}: value {v!r} is not one of {', '.join(spec.values)}")
    return Comparison(fact, op, ref)


def build_rulebook(document: dict[str, Any], source: str, digest: str) -> Rulebook:
    """Schema-valid document -> AST; unknown facts/operators/params/flags and duplicate ids are errors."""
    problems: list[str] = []
    profile = profile_for(document["id"])
    params = dict(document["params"])
    known_flags = profile.known_flags | set(document.get("extra_flags", []))
    rules: list[Rule] = []
    seen: set[str] = set()
    for raw in document["rules"]:
        rule_id = raw["id"]
        if rule_id in seen:
            problems.append(f"rule {rule_id}: duplicate id")
        seen.add(rule_id)
        when = _condition(raw["when"], rule_id, params, problems, profile.facts)
        if not isinstance(when, Group):
            when = Group("all", (when,))
        s = raw["sets"]
        for key in sorted(set(s) - profile.effect_keys):
            problems.append(f"rule {rule_id}: `{key}` is not an effect of a {profile.id} ruleset")
        if profile.alert_nodes and (s.get("alert") not in profile.alert_nodes or "severity" not in s):
            nodes = ", ".join(sorted(profile.alert_nodes))
            problems.append(f"rule {rule_id}: an alert rule sets `alert` (one of {nodes}) and `severity`")
        for flag in s.get("flags", []):
            if flag not in known_flags:
                problems.append(f"rule {rule_id}: unknown flag {flag!r} (declare it in extra_flags)")
        outcome = s.get("outcome")
        if outcome is None and any(k in s for k in ("modes", "may_add_modes", "basis")):
            problems.append(f"rule {rule_id}: modes, may_add_modes and basis belong to outcome rules")
        if outcome is not None and "add_modes" in s:
            problems.append(f"rule {rule_id}: an outcome rule lists its modes in `modes`, not `add_modes`")
        effects = Effects(
            outcome=Outcome(outcome).value if outcome else None,
            basis_from_facts=s.get("basis") == "fact",
            modes=tuple(s.get("modes", ())), may_add_modes=tuple(s.get("may_add_modes", ())),
            add_modes=tuple(s.get("add_modes", ())), prefer_modes=tuple(s.get("prefer_modes", ())),
            priority=int(s.get("priority", 0)), flags=tuple(s.get("flags", ())),
            alert=s.get("alert"), severity=s.get("severity"),
        )
        law, policy = tuple(raw.get("law", ())), tuple(raw.get("policy", ()))
        for template in (raw.get("explain_zh", ""), *law, *policy):
            problems += [f"rule {rule_id}: {p}" for p in template_problems(template, params)]
        if "legal_basis" not in raw and not (law or policy):
            problems.append(f"rule {rule_id}: names no source (legal_basis, law or policy)")
        rules.append(Rule(rule_id, raw["label_zh"], raw.get("legal_basis") or "；".join(law or policy), when, effects,
                          raw.get("description", ""), raw.get("explain_zh", ""), law, policy))
    if problems:
        raise RulebookError(f"{source}: invalid rulebook", problems)
    return Rulebook(
        id=document["id"], version=str(document["version"]), description=document.get("description", ""),
        params=params, rules=tuple(rules), content_hash=digest, source=source,
        conventions=tuple(document.get("conventions", ())),
    )


def parse_rulebook(text: str, source: str = "<text>") -> Rulebook:
    """Parse and check text without the coverage and engine-limit checks (see `load_rulebook`)."""
    document = parse_document(text, source)
    return build_rulebook(document, source, content_hash(document))


def load_rulebook(path: str | Path, ruleset: str = "art237") -> Rulebook:
    """Load a rulebook and run every check; raises RulebookError on the first failing stage."""
    file = rulebook_file(path, ruleset)
    rulebook = parse_rulebook(file.read_text(encoding="utf-8"), str(file))
    check_rulebook(rulebook)
    return rulebook


HISTORY_DIR = "history"  # superseded rulebooks, kept as `<id>-<version>.yml` for replaying old verdicts


def load_rulebook_version(directory: str | Path, rulebook_id: str, version: str) -> Rulebook:
    """The rulebook `rulebook_id` at `version`: the current file in `directory` when it is that
    version, else `directory/history/<id>-<version>.yml` (a verdict names `<id>@<version>`)."""
    current = load_rulebook(directory)
    if (current.id, current.version) == (rulebook_id, version):
        return current
    old = Path(directory) / HISTORY_DIR / f"{rulebook_id}-{version}.yml"
    if not old.exists():
        raise RulebookError(f"{directory}: no rulebook {rulebook_id} {version} (current {current.version}; "
                            f"history holds {sorted(p.stem for p in old.parent.glob('*.yml'))})")
    rulebook = load_rulebook(old)
    if (rulebook.id, rulebook.version) != (rulebook_id, version):
        raise RulebookError(f"{old}: declares {rulebook.id} {rulebook.version}, not {rulebook_id} {version}")
    return rulebook
