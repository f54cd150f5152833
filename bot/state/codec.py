"""Redis hashes and streams hold strings: values go in as JSON, so their types come back."""

from __future__ import annotations

import json


def flat(values: dict) -> dict[str, str]:
    """Redis hashes and streams hold strings: every value goes in as JSON, so types come back."""
    return {key: json.dumps(value, ensure_ascii=False) for key, value in values.items()}


def unflat(values: dict[str, str]) -> dict:
    out = {}
    for key, raw in values.items():
        try:
            out[key] = json.loads(raw)
        except ValueError:  # written by hand or by an older version: keep the text
            out[key] = raw
    return out
