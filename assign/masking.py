"""Party ID numbers never reach a log unmasked.

`mask_id` keeps enough to tell records apart for a human (first 4, last 4) and hides the
rest; `MaskingFilter` rewrites any 15/18-digit ID number or 18-character unified social
credit code that slips into a log message.

Free text (a decision's reason and justification, a key's label, an order's good reason, a
document's provenance) is stored as typed — the audit chain keeps the words — and masked on
the way out: every path that lists free text passes it through `mask_strings`, the function
the audit listing uses, whatever the caller's role.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# 18-digit resident ID (last char may be X), 15-digit old ID, 18-char unified social credit code.
_ID_PATTERN = re.compile(
    r"(?<![0-9A-Z])(?:\d{17}[\dXx]|\d{15}|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])")


def mask_id(value: str | None) -> str | None:
    """'510104198001010011' -> '5101**********0011'. Short values are fully starred."""
    if value is None:
        return None
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_text(text: str) -> str:
    return _ID_PATTERN.sub(lambda m: mask_id(m.group(0)) or "", text)


def mask_strings(value: Any, memo: dict[str, str] | None = None) -> Any:
    """Mask every ID-like token in the strings of a JSON-shaped value (free text, fired-rule facts, payloads).
    `memo` (the caller's, for one batch of values): each distinct string is masked once (a night's lead events
    repeat the same dates, courts and legal bases hundreds of thousands of times)."""
    if isinstance(value, str):
        if memo is None:
            return mask_text(value)
        masked = memo.get(value)
        if masked is None:
            masked = memo[value] = mask_text(value)
        return masked
    if isinstance(value, dict):
        return {k: mask_strings(v, memo) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_strings(v, memo) for v in value]
    return value


class MaskingFilter(logging.Filter):
    """Attach to handlers: masks ID-like tokens in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        masked = mask_text(msg)
        if masked != msg:
            record.msg, record.args = masked, None
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    target = logger or logging.getLogger()
    for handler in target.handlers or []:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
    if not any(isinstance(f, MaskingFilter) for f in target.filters):
        target.addFilter(MaskingFilter())
