"""Verdicts as stored: each fired rule's fixed texts once per store, not once per verdict.

Every fired rule of a verdict carries its label, legal basis and citations (`FiredRule.label_zh`,
`legal_basis`, `law`, `policy`). They are the rulebook's texts, the same in every verdict that
fires the rule, and were about half of each stored verdict's bytes; writing those bytes was most
of the store pass's save (1M verdicts a night).

Decision (issue 14):
- The `verdict` row's `data` keeps everything that varies per case inline (outcome, dates, flags,
  each fired rule's id, facts and sentence) and leaves the four texts out of every fired rule;
  its last key, `"@t"`, lists one digest per fired rule, in order. The texts are stored once in
  `verdict_text` (digest, rule id, the texts as `FiredRule` serializes them), written by the
  transaction that saves the verdicts (insert if missing: idempotent; in digest order, so two
  concurrent passes on PostgreSQL never wait on each other in opposite orders).
- The digest is of the texts themselves (sha256 of rule id and texts, 16 hex), not (rulebook
  hash, rule id): a citation may render per case (conditional citations, `rules/audit.py`), so
  one rule can have several text sets under one rulebook. A content digest means the same texts
  in every store, so the per-process caches below never go stale, whichever store they serve.
- Every reader goes through `verdict_json` (or `read_verdict`), which puts the texts back: the
  API, the console, documents, the CLI, the nightly job's forum tasks see exactly the `Verdict`
  they saw before. A row stored in the full form (before migration 0010) does not end with an
  `"@t"` list (its last key is `eligible_from_projected`) and reads unchanged, so old verdicts
  replay; migration 0010's downgrade puts the texts back into every row.
- Writing: pydantic-core serializes the verdict without the texts in one call (`_without_texts`,
  about 60 % of the full JSON's work), then the digests are appended. Each fired rule starts
  with `{"rule_id":` (a `"` inside a JSON string is escaped, so that only matches where an
  object starts); when the count does not match the fired rules (a fact named `rule_id` leading
  a rule's facts, which no rulebook has), the verdict is stored in the full form.
- Measured on the store pass (bench/store_pass_stages.py, bench/RESULTS.md): the stored JSON is
  about a third smaller; making it costs a few µs more than the full JSON (digests, one decode),
  repaid several times by SQLite's work per saved row, which falls with its bytes. Putting the
  texts back costs a reader about a tenth of parsing the verdict.
- Text search on `data` (the console's flag pre-filter, `assign.verdict_queue`) sees the same
  flags: flags, outcome and facts stay inline; only the rulebook's fixed texts moved.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple, cast

from pydantic_core import CoreSchema, SchemaSerializer
from sqlmodel import Session

from assign.db import table_of, upsert
from assign.errors import DataError
from assign.models import VerdictTextRow
from assign.schemas import FiredRule, Outcome, RulebookVersion, Verdict

_REFS = b',"@t":['  # the verdict's last key in the stored form: the digests of its fired rules' texts, in order
_REFS_TAIL = re.compile(r',"@t":\[("[0-9a-f]{16}"(?:,"[0-9a-f]{16}")*)\]\}')  # matched to the end only
_TEXT_FIELDS = ("label_zh", "legal_basis", "law", "policy")
_ENTRY = b'{"rule_id":'  # how each fired rule starts in the serialization without texts
_to_json_texts = functools.partial(FiredRule.__pydantic_serializer__.to_json, include=set(_TEXT_FIELDS))


class _Serialized:
    """Stands for `Verdict` and `FiredRule` as the `cls` of the copied core schema below: pydantic-core reuses
    a model class's own (prebuilt) serializer when the schema names that class, which would keep the texts."""


@functools.cache
def _without_texts() -> SchemaSerializer:
    """`Verdict`'s own core schema with the fired rules' texts marked `serialization_exclude`: one
    pydantic-core call, cheaper than the full JSON. Checked on a probe verdict when built, so a change of
    `Verdict`, `FiredRule` or pydantic-core that breaks it fails loudly instead of storing something else."""
    schema = cast(dict[str, Any], copy.deepcopy(Verdict.__pydantic_core_schema__))
    fired = schema["schema"]["fields"]["fired"]["schema"]["schema"]["items_schema"]
    schema["cls"] = fired["cls"] = _Serialized
    for name in _TEXT_FIELDS:
        fired["schema"]["fields"][name]["serialization_exclude"] = True
    serializer = SchemaSerializer(cast(CoreSchema, schema))
    probe = Verdict(case_no="probe", as_of=date(2000, 1, 1), outcome=Outcome.NOT_YET,
                    rulebook_version=RulebookVersion(id="probe", hash="probe"),
                    fired=[FiredRule(rule_id="probe", label_zh="标签", legal_basis="依据", facts={"a": 1},
                                     explanation_zh="说明", law=["法"], policy=["策"])])
    expected = probe.model_dump(mode="json")
    expected["fired"] = [{k: v for k, v in e.items() if k not in _TEXT_FIELDS} for e in expected["fired"]]
    if json.loads(serializer.to_json(probe)) != expected or not serializer.to_json(probe).count(_ENTRY) == 1:
        raise TypeError("assign.stored_verdict: the serializer without texts no longer gives the verdict without "
                        "its texts (Verdict, FiredRule or pydantic-core changed)")
    return serializer


class TextSet(NamedTuple):
    """One fired rule's fixed texts as stored in `verdict_text`, and how a stored fired rule names them."""

    digest: str
    rule_id: str
    texts: str  # the JSON object of the four fields, as `FiredRule` serializes them
    ref: bytes  # `"<digest>"`, as listed under the stored verdict's "@t"


_WRITTEN: dict[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], TextSet] = {}
_FRAGMENTS: dict[str, str] = {}  # digest -> the texts' fields as they go back into the entry
_CACHE_LIMIT = 10_000  # distinct text sets kept per process (a rulebook has tens)


def _texts_of(rule: FiredRule) -> TextSet:
    key = (rule.rule_id, rule.label_zh, rule.legal_basis, tuple(rule.law), tuple(rule.policy))
    found = _WRITTEN.get(key)
    if found is None:
        texts = _to_json_texts(rule).decode()
        digest = hashlib.sha256(f"{rule.rule_id}\n{texts}".encode()).hexdigest()[:16]
        if len(_WRITTEN) >= _CACHE_LIMIT:
            _WRITTEN.clear()
        found = _WRITTEN[key] = TextSet(digest, rule.rule_id, texts, f'"{digest}"'.encode())
    return found


def stored_json(verdict: Verdict, texts: dict[str, TextSet]) -> str:
    """The `data` stored for `verdict`; adds the text sets it names to `texts` (digest -> text set), which
    the caller writes with `save_texts` in the same transaction."""
    fired = verdict.fired
    if not fired:
        return verdict.model_dump_json()
    data = _without_texts().to_json(verdict)
    if data.count(_ENTRY) != len(fired):  # a fact named rule_id leads some facts: the full form
        return verdict.model_dump_json()
    used = [_texts_of(rule) for rule in fired]
    texts.update((t.digest, t) for t in used)
    return (data[:-1] + _REFS + b",".join(t.ref for t in used) + b"]}").decode()


def save_texts(*, session: Session, texts: Mapping[str, TextSet]) -> None:
    """Insert the text sets the stored verdicts of this transaction name (those already stored are kept)."""
    rows = [{"digest": d, "rule_id": texts[d].rule_id, "texts": texts[d].texts} for d in sorted(texts)]
    upsert(session, table_of(VerdictTextRow), rows, key=["digest"], update=[])


def _fragment(session: Session, digest: str) -> str:
    found = _FRAGMENTS.get(digest)
    if found is None:
        row = session.get(VerdictTextRow, digest)
        if row is None:
            raise DataError(f"a stored verdict names fired-rule texts {digest!r} that are not in verdict_text")
        if len(_FRAGMENTS) >= _CACHE_LIMIT:
            _FRAGMENTS.clear()
        found = _FRAGMENTS[digest] = row.texts[1:-1]
    return found


def expand(data: str, fragment: Callable[[str], str]) -> str:
    """A stored verdict's `data` as the full `Verdict` JSON, `fragment(digest)` giving a text set's fields as
    they go back into its fired rule (the `verdict_text.texts` object without its braces). A row in the full
    form is returned as it is: its last key is never "@t"."""
    refs = _REFS_TAIL.fullmatch(data, max(data.rfind(',"@t":['), 0))
    if refs is None:
        return data
    digests = refs.group(1)[1:-1].split('","')
    parts = data[: refs.start()].split('{"rule_id":')
    if len(parts) != len(digests) + 1:
        raise DataError(f"a stored verdict names {len(digests)} fired-rule texts for {len(parts) - 1} fired rules")
    return "".join([parts[0], *("{" + fragment(d) + ',"rule_id":' + p for d, p in zip(digests, parts[1:], strict=True)),
                    "}"])


def verdict_json(session: Session, data: str) -> str:
    """A stored verdict's `data` as the full `Verdict` JSON (the texts put back; a full row as it is)."""
    return expand(data, functools.partial(_fragment, session))


def read_verdict(session: Session, data: str) -> Verdict:
    return Verdict.model_validate_json(verdict_json(session, data))
