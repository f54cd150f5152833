"""The one place that talks HTTP: JSON in, JSON out, every failure turned into an ApiError."""

from __future__ import annotations

import json
from typing import Any

import requests

from bot.outbound.errors import BAD_ANSWER, NETWORK, TIMEOUT, ApiError, redact


def call_json(
    session: requests.Session,
    method: str,
    url: str,
    api: str,
    timeout: float,
    params: dict | None = None,
    body: dict | None = None,
) -> dict:
    """One request; the decoded answer when errcode is 0 (or absent), ApiError otherwise."""
    try:
        response = session.request(
            method,
            url,
            params=params,
            data=_encode(body),
            timeout=timeout,
            headers=_HEADERS if body is not None else None,
        )
    except requests.Timeout as exc:
        raise ApiError(TIMEOUT, f"timed out after {timeout:g} s ({type(exc).__name__})", api) from None
    except requests.RequestException as exc:
        raise ApiError(NETWORK, redact(f"{type(exc).__name__}: {exc}"), api) from None
    return _decode(response, api)


# WeCom refuses \uXXXX escapes in request bodies (errcode 40033, WeCom global error codes), so
# Chinese text goes as raw UTF-8.
_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def _encode(body: dict | None) -> bytes | None:
    if body is None:
        return None
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode(response: requests.Response, api: str) -> dict:
    if response.status_code != 200:
        raise ApiError(BAD_ANSWER, f"HTTP {response.status_code}", api, http_status=response.status_code)
    try:
        answer: Any = response.json()
    except ValueError:
        raise ApiError(BAD_ANSWER, "the answer is not JSON", api) from None
    if not isinstance(answer, dict):
        raise ApiError(BAD_ANSWER, "the answer is not a JSON object", api)
    errcode = answer.get("errcode", 0)
    if errcode:
        raise ApiError(errcode, redact(str(answer.get("errmsg", ""))), api)
    return answer
