"""Case records read from a byte stream, one at a time, in memory that does not grow with the file.

- A JSON array (or `{"cases": [...]}`, or one case object) is read with ijson's event
  parser (`basic_parse`: flat events, no recursion, no per-depth prefixes) and each element
  is built here with an explicit stack, so a 1M-case array never sits in memory whole.
- JSON lines are read line by line.
- A record nested deeper than `MAX_DEPTH` levels is a row problem and its remaining events
  are skipped (a real case is about five levels deep); the stdlib parser's RecursionError on a
  deep line is a row problem too. Nothing deep ever reaches a recursive parser or a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import ijson

from assign.errors import DataError, RowProblem

MAX_DEPTH = 32
_STARTS = ("start_map", "start_array")
_ENDS = ("end_map", "end_array")
Record = tuple[int, dict[str, Any] | RowProblem]


class TooDeep(Exception):
    pass


def _put(container: dict[str, Any] | list[Any], key: str | None, value: Any) -> None:
    if isinstance(container, list):
        container.append(value)
    else:
        container[str(key)] = value


def _skip(events: Iterator[tuple[str, Any]], depth: int) -> None:
    while depth:
        event, _ = next(events)
        depth += 1 if event in _STARTS else -1 if event in _ENDS else 0


def build(events: Iterator[tuple[str, Any]], event: str, value: Any, max_depth: int = MAX_DEPTH) -> Any:
    """The value that starts with (`event`, `value`); TooDeep (its events consumed) past `max_depth`."""
    if event not in _STARTS:
        return value
    root: dict[str, Any] | list[Any] = {} if event == "start_map" else []
    stack: list[dict[str, Any] | list[Any]] = [root]
    keys: list[str | None] = [None]
    while stack:
        event, value = next(events)
        if event == "map_key":
            keys[-1] = value
        elif event in _ENDS:
            stack.pop()
            keys.pop()
        elif event in _STARTS:
            if len(stack) >= max_depth:
                _skip(events, len(stack) + 1)
                raise TooDeep
            child: dict[str, Any] | list[Any] = {} if event == "start_map" else []
            _put(stack[-1], keys[-1], child)
            stack.append(child)
            keys.append(None)
        else:
            _put(stack[-1], keys[-1], value)
    return root


def _too_deep(row: int) -> RowProblem:
    return RowProblem(row, "-", f"the record is nested more than {MAX_DEPTH} levels deep")


def _elements(events: Iterator[tuple[str, Any]]) -> Iterator[Record]:
    row = 0
    while True:
        event, value = next(events)
        if event == "end_array":
            return
        row += 1
        try:
            yield row, build(events, event, value)
        except TooDeep:
            yield row, _too_deep(row)


def json_records(stream: IO[bytes]) -> Iterator[Record]:
    """A JSON array of cases, `{"cases": [...]}` or one case object, element by element."""
    events = ijson.basic_parse(stream, use_float=False)
    try:
        event, _ = next(events, ("end", None))
        if event == "start_array":
            yield from _elements(events)
        elif event == "start_map":
            yield from _object_records(events)
        else:
            raise DataError("expected a JSON array of cases (or {'cases': [...]})")
        for _ in events:  # the rest must be whitespace: this raises on trailing data
            pass
    except ijson.JSONError as e:
        raise DataError(f"not valid JSON: {(str(e).splitlines() or ['?'])[0]}") from None


def _object_records(events: Iterator[tuple[str, Any]]) -> Iterator[Record]:
    single: dict[str, Any] = {}
    saw_cases = False
    while True:
        event, key = next(events)
        if event == "end_map":
            break
        event, value = next(events)
        if key == "cases" and event == "start_array":
            saw_cases = True
            yield from _elements(events)
            continue
        try:
            single[key] = build(events, event, value, MAX_DEPTH - 1)
        except TooDeep:
            raise DataError(f"the JSON object is nested more than {MAX_DEPTH} levels deep (key {key!r})") from None
    if not saw_cases:
        if "case_no" not in single:
            raise DataError("expected a JSON array of cases (or {'cases': [...]})")
        yield 1, single


def json_line_records(stream: IO[bytes]) -> Iterator[Record]:
    """JSON lines: one case per non-blank line, numbered as the non-blank lines are."""
    row = 0
    for line in stream:
        if not line.strip():
            continue
        row += 1
        try:
            yield row, json.loads(line)
        except RecursionError:
            yield row, _too_deep(row)
        except json.JSONDecodeError as e:
            yield row, RowProblem(row, "-", f"not valid JSON: {e.msg}")
        except ValueError as e:  # not UTF-8
            yield row, RowProblem(row, "-", f"not UTF-8 text: {e}")


def looks_like_json_lines(stream: IO[bytes], peek_bytes: int = 1 << 20) -> bool:
    """True when the first line (within `peek_bytes`) is a whole JSON value and more lines follow.
    The stream is left where it was."""
    start = stream.tell()
    try:
        first = stream.readline(peek_bytes)
        if not first.endswith(b"\n"):
            return False
        try:
            json.loads(first)
        except (ValueError, RecursionError):
            return False
        return any(line.strip() for line in iter(lambda: stream.readline(peek_bytes), b""))
    finally:
        stream.seek(start)
