"""Party ID numbers never reach a log unmasked."""

from __future__ import annotations

import logging

import pytest

from assign.masking import MaskingFilter, mask_id, mask_text


def test_mask_id_keeps_only_the_ends() -> None:
    assert mask_id("510104198001010011") == "5101**********0011"
    assert mask_id("91510104MA6C000001") == "9151**********0001"
    assert mask_id("12345") == "*****"
    assert mask_id(None) is None


@pytest.mark.parametrize("secret", ["510104198001010011", "51010419800101001X", "91510104MA6C000001",
                                    "510104800101001"])
def test_log_filter_masks_id_numbers_in_messages(secret: str, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking")
    caplog.handler.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="test.masking"):
        logger.info("debtor %s has 3 cases", secret)
    assert secret not in caplog.text
    assert mask_id(secret) in caplog.text


def test_case_numbers_and_amounts_are_left_alone() -> None:
    text = "(2024)川0104执123号 amount 500000.00 court B510104"
    assert mask_text(text) == text
