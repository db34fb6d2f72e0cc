"""Constrained field types of the interchange format: what a string or a date may hold.

Every string and date a case or court record carries is one of these types, so hostile or
impossible values are refused when a record is validated (an import row problem, a 422),
before they reach the store, the rules' clock arithmetic or a dispatcher's screen. The
same rules therefore hold on SQLite and PostgreSQL (PostgreSQL refuses NUL in text; SQLite
would store it).

Choices (documented in the README, "Modelling choices"):
- **Case numbers** have the official shape of the 2016 SPC rules on case numbers:
  ``(year)court-abbreviation type serial 号``, e.g. ``(2024)渝0237执123号``, ``（2024）川01执恢7号``,
  ``(2024)最高法执监1号``, optionally ``之一`` after 号. Half- or full-width parentheses; year
  1949–2099; court abbreviation 1–3 CJK characters and up to 4 digits; type 1–4 CJK
  characters (执, 执恢, 执保, 执异, 执复, 执监, 执协, …: any, not a closed list); serial 1–7
  digits. Nothing else: no spaces, slashes, markup or invisible characters.
- **Court codes** 1–32 ASCII letters, digits, ``.``, ``_``, ``-`` (the built-in network's are
  ``H510000``, ``I510100``, ``B510104``); **party and asset ids** 1–64 ASCII letters, digits,
  ``-``, ``.``, parentheses (ID card numbers, unified social credit codes, passports, HK IDs).
- **Names** (parties, courts) 1–200 characters; **free text** (an order's good reason) up to
  2,000. Neither may hold control characters (free text may hold tab and line breaks),
  bidirectional overrides/isolates or zero-width and other invisible format characters.
- **Dates** lie between 1949-10-01 and one year after the server's today (an order's
  deadline: five years). The context checks then refuse any event after the evaluation
  date, and writes refuse an evaluation date after the server's today
  (`require_not_future`, the `WriteDate` type).
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Annotated, ClassVar, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from assign.errors import DataError

EARLIEST_DATE = date(1949, 10, 1)
EVENT_HORIZON_DAYS = 366  # event dates: at most one year after the server's today
DEADLINE_HORIZON_DAYS = 5 * 366  # deadlines set by an order: at most five years ahead

CASE_NO_SHAPE = re.compile(
    r"[(（](?:19[4-9]\d|20\d\d)[)）][\u4e00-\u9fff]{1,3}\d{0,4}[\u4e00-\u9fff]{1,4}\d{1,7}号(?:之[一二三四五六七八九十]{1,3})?"
)
CASE_NO_EXAMPLE = "(2024)渝0237执123号"

# Characters nobody types into a record on purpose and that change what a reader sees:
# C0/C1 controls (tab, LF, CR allowed in free text only), bidi embeddings/overrides/isolates
# and marks, zero-width and invisible format characters, line/paragraph separators, BOM,
# interlinear annotations, lone surrogates.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff"
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_UNSAFE_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_INVISIBLE}]")


def _describe(char: str) -> str:
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "a control character"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F, 0x061C):
        kind = "a bidirectional formatting character"
    else:
        kind = "an invisible formatting character"
    return f"{kind} (U+{code:04X})"


def _refuse(pattern: re.Pattern[str], value: str) -> str:
    found = pattern.search(value)
    if found:
        raise ValueError(f"contains {_describe(found.group())} at position {found.start() + 1}")
    return value


def single_line(value: str) -> str:
    return _refuse(_UNSAFE_IN_LINE, value)


def free_text(value: str) -> str:
    return _refuse(_UNSAFE_IN_TEXT, value)


def case_no_shape(value: str) -> str:
    if CASE_NO_SHAPE.fullmatch(value) is None:
        single_line(value)  # name an invisible character when that is what is wrong
        raise ValueError(f"{value[:40]!r} is not a case number of the official shape, e.g. {CASE_NO_EXAMPLE}")
    return value


_bounds: tuple[float, date, date, date] = (0.0, date.min, date.min, date.min)  # re-read after, today, latest x2


def _latest() -> tuple[date, date, date]:
    """(server's today, latest event date, latest deadline), re-read at most once a minute: a million
    records carry about ten million dates, and each check is then two comparisons."""
    global _bounds
    now = time.time()
    if now >= _bounds[0]:
        today = date.today()
        _bounds = (now + 60.0, today, today + timedelta(days=EVENT_HORIZON_DAYS),
                   today + timedelta(days=DEADLINE_HORIZON_DAYS))
    return _bounds[1], _bounds[2], _bounds[3]


def server_today() -> date:
    return _latest()[0]


def _out_of_range(value: date, latest: date, what: str) -> ValueError:
    if value < EARLIEST_DATE:
        return ValueError(f"{value} is before {EARLIEST_DATE}, the earliest date the format accepts")
    return ValueError(f"{value} is after {latest}, the latest {what} the format accepts")


def event_date(value: date) -> date:
    if EARLIEST_DATE <= value <= _bounds[2]:  # the latest dates only grow with the day: a date within the
        return value  # last bounds read is within the current ones (the hot path: no clock read, no call)
    latest = _latest()[1]
    if EARLIEST_DATE <= value <= latest:
        return value
    raise _out_of_range(value, latest, "date (one year after the server's today)")


def deadline_date(value: date) -> date:
    if EARLIEST_DATE <= value <= _bounds[3]:  # as event_date
        return value
    latest = _latest()[2]
    if EARLIEST_DATE <= value <= latest:
        return value
    raise _out_of_range(value, latest, "deadline (five years after the server's today)")


CaseNo = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(case_no_shape)]
CourtCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
RecordId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9.()（）-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(single_line)]
FreeText = Annotated[str, Field(max_length=2000), AfterValidator(free_text)]
EventDate = Annotated[date, AfterValidator(event_date)]
DeadlineDate = Annotated[date, AfterValidator(deadline_date)]


def not_after_today(value: date) -> date:
    """An evaluation date a write may use: one that has come (the server's today at the latest)."""
    today = date.today()
    if value > today:
        raise ValueError(f"{value} is after the server's today ({today}); a stored result cannot be dated ahead")
    return value


WriteDate = Annotated[date, AfterValidator(not_after_today)]


def require_not_future(as_of: date, name: str = "as_of") -> date:
    """`not_after_today` for the service functions every route shares (CLI, API, nightly): a DataError
    (422 / exit 2) naming the parameter."""
    try:
        return not_after_today(as_of)
    except ValueError as e:
        raise DataError(f"{name}: {e}") from None


RecordT = TypeVar("RecordT")


def dates_in_order(record: RecordT, *pairs: tuple[str, str]) -> RecordT:
    """`record` when, for every (earlier, later) pair of its date fields, the later is not before the
    earlier (an absent date passes); else a ValueError naming both. The one check behind every
    "x is before y" the interchange format refuses."""
    for earlier, later in pairs:
        a, b = getattr(record, earlier), getattr(record, later)
        if a is not None and b is not None and b < a:
            raise ValueError(f"{later} {b} is before {earlier} {a}")
    return record


class FormatRecord(BaseModel):
    """A record of the interchange format (a case and its parts, a court): immutable; fields it does not know
    are ignored (a newer minor version's additions)."""

    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=False)


DateOrder = tuple[tuple[str, str], ...]


class DatesInOrder(BaseModel):
    """A record whose date fields must come in order: `DATE_ORDER` lists the (earlier, later) pairs and one
    validator checks them (`dates_in_order`), so a record class only names its pairs."""

    DATE_ORDER: ClassVar[DateOrder] = ()

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        return dates_in_order(self, *self.DATE_ORDER)
