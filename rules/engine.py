"""RuleEngine: the only module that imports durable-rules.

Usage pattern from shared/domain/durable-rules-notes.md, followed exactly:
- no timer threads (the stock Host's steal actions and crash): `_Session` drives the C engine
  itself, as durable's Python `Host` does, without its per-action layers (closures, promises,
  state parsed and re-serialised per action: three quarters of a one-case step);
- one ruleset per rulebook version under a versioned name (names cannot be re-registered);
- flat typed facts with a record-type marker, asserted as facts (not events) in chunks of at
  most `chunk_size` into one sid, every rule with `cap` = chunk size, state deleted after
  every chunk; sids are small integers, fact ids the position in the chunk (no case numbers:
  identities are 32-bit hashes);
- a marker rule that every record fires, so results are counted against inputs and
  stragglers (silently dropped records) are re-run one at a time;
- one process-wide lock around the engine (its host is not thread-safe);
- `retire()` deletes the ruleset so memory stays flat across reloads.

What the engine receives is the compiled rulebook with each fact it reads renamed to a short
name (`f0`, `f1`, ...), and records carrying only those facts under those names: the engine
hands every match back to Python as JSON, so the work of a step grows with the size of a
record (the full names made up two thirds of it). The rule ids it reports are unchanged.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import durable_rules_engine

from assign.errors import DataError, RulebookError
from rules.compiler import MARKER, check_engine_limits, compile_rulebook
from rules.facts import RESERVED_FIELDS
from rules.spec import Rulebook

MAX_LIVE_SESSIONS = 1024  # MAX_STATE_INDEX_LENGTH: past it MemoryError, then SIGSEGV
MAX_CHUNK = 250
SEEN_RULE = "_record"  # cannot clash: rulebook ids start with a letter

# The C engine keeps global state behind every host: one lock for the whole process.
ENGINE_LOCK = threading.RLock()


Json = dict[str, Any]


# A matched fact comes back as the very text it was sent in (`RuleEngine._run_chunk` writes the
# record-type marker, then `id`), so its position in the chunk is read off the text; a message
# whose ids cannot all be read that way is parsed as JSON instead (`_matched_ids`).
_ID_PREFIX = json.dumps(MARKER, ensure_ascii=False)[:-1] + ', "id": '
_FACT_ID = re.compile(re.escape(_ID_PREFIX) + r"(\d+)")
_ENTRY = '{"m":'  # a structural key: inside a string value the quote would be escaped


def _matched_ids(message: str) -> tuple[str, list[int]]:
    """(the rule an action message is for, the ids of the facts it matched): one rule per
    message, `{"rule_id":[{"m":{fact}}, ...]}` (a capped rule) or `{"rule_id":{"m":{fact}}}`."""
    ids = [int(i) for i in _FACT_ID.findall(message)]
    if len(ids) == message.count(_ENTRY):
        return message[2:message.index('"', 2)], ids  # rule ids are [a-z0-9_.] (rules/schema.json)
    ((rule_id, matched),) = json.loads(message).items()
    entries = matched if isinstance(matched, list) else [matched]
    return rule_id, [int((e["m"] if len(e) == 1 and "m" in e else e)["id"]) for e in entries]


class _Session:
    """One registered ruleset, driven through durable's C engine exactly as `durable.engine.Host`
    drives it (`Ruleset.assert_facts`, `do_actions`, `_flush_actions`): assert, then take each
    action the assertion started, hand what it matched to `collect`, write the state back
    unchanged and complete it, until none is left. Actions only collect: the work is done outside."""

    def __init__(self, name: str, definition: Json, collect: Callable[[str, list[int]], None]) -> None:
        self.name = name
        self._collect = collect
        self._handle = durable_rules_engine.create_ruleset(name, json.dumps(definition, ensure_ascii=False))

    def assert_facts(self, name: str, facts: list[str]) -> None:
        """Assert `facts` (each one record's JSON text) and collect what the actions matched."""
        handle = self._handle
        code, state = durable_rules_engine.assert_facts(handle, "[" + ", ".join(facts) + "]")
        if code in (1, 2):  # not handled / already observed: durable's Host raises both
            raise RulebookError(f"ruleset {name}: the engine did not take the facts (code {code})")
        if code == 3:
            return
        started = durable_rules_engine.start_action_for_state(handle, state)
        if not started:
            return
        state_json, message = started
        try:
            while message:
                self._collect(*_matched_ids(message))
                durable_rules_engine.update_state(handle, state_json)
                message = durable_rules_engine.complete_and_start_action(handle, state)
        except BaseException:
            durable_rules_engine.abandon_action(handle, state)  # as durable's Host does on a failed action
            raise

    def delete_state(self, name: str, sid: int) -> None:
        durable_rules_engine.delete_state(self._handle, str(sid))

    def delete(self) -> None:
        durable_rules_engine.delete_ruleset(self._handle)


_JSON_BOOL = {True: "true", False: "false"}
# json.dumps(value, ensure_ascii=False) for the three types facts have, by exact type (a bool is
# not written as an int); a value of any other type is a KeyError: the record goes through json.dumps.
_JSON_VALUE: dict[type, Callable[[Any], str]] = {
    bool: _JSON_BOOL.__getitem__, int: int.__repr__, str: json.encoder.encode_basestring}


def _read_facts(pattern: Json) -> set[str]:
    """The fact names a compiled pattern tests (the record-type marker included)."""
    names: set[str] = set()
    for key, arg in pattern.items():
        if key in ("$and", "$or"):
            for part in arg:
                names |= _read_facts(part)
        elif key.startswith("$"):
            names |= set(arg)
        else:
            names.add(key)
    return names


def _renamed(pattern: Json, short: Mapping[str, str]) -> Json:
    """The pattern with every fact name in `short` replaced by its short name."""
    out: Json = {}
    for key, arg in pattern.items():
        if key in ("$and", "$or"):
            out[key] = [_renamed(part, short) for part in arg]
        elif key.startswith("$"):
            out[key] = {short.get(name, name): value for name, value in arg.items()}
        else:
            out[short.get(key, key)] = arg
    return out


class RuleEngine:
    """One compiled rulebook registered on its own host under a versioned ruleset name."""

    def __init__(self, rulebook: Rulebook, *, chunk_size: int = MAX_CHUNK) -> None:
        if not 1 <= chunk_size <= MAX_CHUNK:
            raise RulebookError(f"chunk_size {chunk_size} outside 1..{MAX_CHUNK}")
        self.rulebook = rulebook
        self.compiled = compile_rulebook(rulebook)
        check_engine_limits(self.compiled, rulebook.source)
        self.name = rulebook.versioned_name
        self.chunk_size = chunk_size
        self._rule_ids = [r.id for r in rulebook.rules]
        self._hits: dict[str, set[int]] = {}
        self._next_sid = 0
        self._live_sids: set[int] = set()
        self._retired = False
        read = sorted(set().union(*(_read_facts(r["all"][0]["m"]) for r in self.compiled.values())) - set(MARKER))
        short = {name: f"f{i}" for i, name in enumerate(read)}
        if set(short.values()) & (RESERVED_FIELDS | set(read)):
            raise RulebookError(f"{rulebook.source}: a fact name clashes with the engine's short names f0, f1, ...")
        self._fields = tuple(short.items())  # (fact name, the name the engine knows it by)
        # A record's text: the marker, its id and sid, then the facts the rules read, as json.dumps
        # writes them (`_matched_ids` reads the ids back off this text).
        self._record_format = (_ID_PREFIX.replace("%", "%%") + '%d, "sid": %d'
                               + "".join(f", {json.dumps(k)}: %s" for _, k in self._fields) + "}")
        self._read_names = tuple(name for name, _ in self._fields)
        definition: dict[str, Any] = {SEEN_RULE: {"all": [{"m": dict(MARKER)}], "cap": chunk_size}}
        for rule_id, rule in self.compiled.items():
            definition[rule_id] = {"all": [{"m": _renamed(rule["all"][0]["m"], short)}], "cap": chunk_size}
        with ENGINE_LOCK:
            try:
                self._host = _Session(self.name, definition, self._collect)
            except Exception as e:  # the engine reports create errors as bare exceptions
                raise RulebookError(f"{rulebook.source}: the engine refused ruleset {self.name}: {e}") from None

    def _collect(self, rule_id: str, ids: list[int]) -> None:
        """An action: the positions in the chunk of the records `rule_id` matched."""
        self._hits.setdefault(rule_id, set()).update(ids)

    @property
    def retired(self) -> bool:
        return self._retired

    def _sid(self) -> int:
        # Rotate over a small range: even if a delete failed, live sessions stay far below the cap.
        self._next_sid = self._next_sid % 1000 + 1
        if len(self._live_sids) >= MAX_LIVE_SESSIONS - 1:
            raise RulebookError(f"ruleset {self.name}: {len(self._live_sids)} live sessions (cap {MAX_LIVE_SESSIONS})")
        return self._next_sid

    def _run_chunk(self, records: Sequence[Mapping[str, Any]]) -> dict[int, list[str]]:
        sid = self._sid()
        facts = [self._record_text(r, i, sid) for i, r in enumerate(records)]
        self._hits = {}
        self._live_sids.add(sid)
        error: Exception | None = None
        try:
            self._host.assert_facts(self.name, facts)
        except Exception as e:  # noqa: BLE001 - counted below; stragglers re-run one by one
            error = e
        finally:
            self._delete_state(sid)
        out: dict[int, list[str]] = {i: [] for i in self._hits.get(SEEN_RULE, ())}
        for rid in self._rule_ids:  # rulebook order
            for i in self._hits.get(rid, ()):
                if i in out:
                    out[i].append(rid)
        if error is not None and len(records) == 1 and not out:
            raise DataError(f"ruleset {self.name}: the engine rejected a record: {error}")
        return out

    def _record_text(self, record: Mapping[str, Any], i: int, sid: int) -> str:
        try:
            values = [_JSON_VALUE[type(v)](v) for v in map(record.__getitem__, self._read_names)]
        except KeyError:  # a fact left out (it never matches, as in durable) or a value of another type
            fact = {**MARKER, "id": i, "sid": sid, **{k: record[n] for n, k in self._fields if n in record}}
            return json.dumps(fact, ensure_ascii=False)
        return self._record_format % (i, sid, *values)

    def _delete_state(self, sid: int) -> None:
        try:
            self._host.delete_state(self.name, sid)
        except durable_rules_engine.error as e:
            if "309" not in str(e):  # 309: no state for this sid (nothing was asserted)
                raise RulebookError(f"ruleset {self.name}: could not delete session {sid}: {e}") from None
        self._live_sids.discard(sid)

    def fire(self, records: Sequence[Mapping[str, Any]], case_nos: Sequence[str] | None = None) -> list[list[str]]:
        """The ids of the rules each record fires (rulebook order). Records must be validated facts."""
        for r in records:
            if RESERVED_FIELDS & r.keys():
                raise DataError(f"a fact record uses reserved fields {sorted(RESERVED_FIELDS & r.keys())}")
        results: list[list[str]] = []
        with ENGINE_LOCK:
            if self._retired:
                raise RulebookError(f"ruleset {self.name} was retired by a reload; use the current engine")
            for lo in range(0, len(records), self.chunk_size):
                chunk = records[lo : lo + self.chunk_size]
                got = self._run_chunk(chunk)
                for i in range(len(chunk)):
                    if i not in got:  # silently dropped by the engine: run it alone
                        alone = self._run_chunk([chunk[i]])
                        if 0 not in alone:
                            who = case_nos[lo + i] if case_nos else f"record {lo + i}"
                            raise DataError(f"ruleset {self.name}: case {who} produced no result")
                        got[i] = alone[0]
                    results.append(got[i])
        return results

    def retire(self) -> None:
        """Delete the ruleset from the engine (dropping only the name leaks ~83 KB per reload)."""
        with ENGINE_LOCK:
            if self._retired:
                return
            self._retired = True
            self._host.delete()
