"""Masking personal numbers before text leaves the circle of people allowed to see it."""

from __future__ import annotations

import re

# Mainland mobile numbers, 18-character ID numbers, and 16-19 digit bank cards; digits may be
# broken up by spaces or dashes, as people type them.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})(?:[ -]?\d){8,11}([ -]?\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)")


def mask_personal_numbers(text: str) -> str:
    """138****5678 for phones; the middle of ID and card numbers hidden."""
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _BANK_CARD.sub(lambda m: m.group(1) + " **** **** " + m.group(2).strip(" -"), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
