"""WeCom template cards (button_interaction) for a report, and the label that replaces the buttons.

Card facts (WeCom docs "发送应用消息 / 模板卡片", checked 2026):
- task_id: unique within the app for ever, letters, digits and _-@ only, at most 128 bytes
  (a reused one is refused with 42014);
- button_list: at most 6 buttons; style 1-4; key comes back as EventKey in template_card_event,
  at most 1024 bytes, unique within the card; button text "建议不超过10个字";
- replace_text: what the clicker's own card shows, greyed, right after the click (we then update
  every copy via message/update_template_card with the final "已由 张三 认领 10:32").
"""

from __future__ import annotations

import hashlib
import re

from bot import texts
from bot.reports.notices import clock_time, place_of

# Shown on one line each on a phone; longer text is cut so the card stays readable.
SITUATION_CHARS = 60
VALUE_CHARS = 26
NAME_CHARS = 6

CLAIM, CONTACTED, CLOSE = "claim", "contacted", "close"
_TASK_ID_OK = re.compile(r"[A-Za-z0-9_\-@]")
TASK_ID_BYTES = 128


def report_card(report: dict, task_id: str, claim_key: str) -> dict:
    """The card every staff member of the grid gets: what, where, by when, and a 认领 button."""
    deadline = clock_time(report["deadline_at"])
    return {
        "card_type": "button_interaction",
        "source": _source(report),
        "main_title": {
            "title": texts.CARD_TITLE.format(risk=_risk(report), id=report["id"]),
            "desc": texts.CARD_DEADLINE_DESC.format(deadline=deadline),
        },
        "sub_title_text": clip(report.get("situation") or "", SITUATION_CHARS),
        "horizontal_content_list": [
            _row(texts.CARD_KEY_PLACE, place_of(report)),
            _row(texts.CARD_KEY_DEADLINE, deadline),
        ],
        "task_id": safe_task_id(task_id),
        "button_list": [{"text": texts.CARD_BUTTON_CLAIM, "style": 1, "key": claim_key}],
        "replace_text": texts.CARD_CLICKED,
    }


def claimer_card(report: dict, task_id: str) -> dict:
    """The claimer's own card: full details and the next two steps, 已联系 and 结案."""
    deadline = clock_time(report["deadline_at"])
    return {
        "card_type": "button_interaction",
        "source": _source(report),
        "main_title": {
            "title": texts.CARD_CLAIMER_TITLE.format(risk=_risk(report), id=report["id"]),
            "desc": texts.CARD_DEADLINE_DESC.format(deadline=deadline),
        },
        "sub_title_text": clip(report.get("situation") or "", SITUATION_CHARS),
        "horizontal_content_list": [
            _row(texts.CARD_KEY_PLACE, place_of(report)),
            _row(texts.CARD_KEY_PERSON, report.get("person") or texts.REPORT_UNKNOWN_PERSON),
            _row(texts.CARD_KEY_DEADLINE, deadline),
        ],
        "task_id": safe_task_id(task_id),
        "button_list": [
            {"text": texts.CARD_BUTTON_CONTACTED, "style": 1, "key": button_key(CONTACTED, report["id"])},
            {"text": texts.CARD_BUTTON_CLOSE, "style": 2, "key": button_key(CLOSE, report["id"])},
        ],
        "replace_text": texts.CARD_CLICKED,
    }


def claimed_label(name: str, at_epoch: float) -> str:
    """What every copy of the card shows once someone has it: "已由 张三 认领 10:32" (China time)."""
    return texts.CLAIMED_LABEL.format(name=clip(name, NAME_CHARS), time=clock_time(at_epoch))


def button_key(action: str, report_id: str) -> str:
    """The EventKey a click sends back, e.g. "claim:R7"."""
    return f"{action}:{report_id}"


def parse_button_key(key: str) -> tuple[str, str] | None:
    """("claim", "R7") from "claim:R7"; None for a key we did not make."""
    action, sep, report_id = (key or "").partition(":")
    if not sep or not report_id or action not in (CLAIM, CONTACTED, CLOSE):
        return None
    return action, report_id


def safe_task_id(raw: str) -> str:
    """A task_id WeCom accepts. Characters it refuses (a "." in a userid, Chinese) are replaced,
    and then a short hash of the original keeps two different raw ids apart."""
    cleaned = "".join(ch if _TASK_ID_OK.fullmatch(ch) else "-" for ch in raw)
    if cleaned == raw and 0 < len(raw) <= TASK_ID_BYTES:
        return raw
    digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:10]
    return f"{cleaned[: TASK_ID_BYTES - 11]}_{digest}"


def clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())  # no line breaks inside one card row
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(key: str, value: str) -> dict:
    return {"keyname": key, "value": clip(value, VALUE_CHARS)}


def _risk(report: dict) -> str:
    return texts.RISK_NAMES.get(report.get("risk", ""), report.get("risk", ""))


def _source(report: dict) -> dict:
    # desc_color: 0 grey, 1 black, 2 red, 3 green (WeCom card docs): red for a high risk.
    return {"desc": texts.CARD_SOURCE, "desc_color": 2 if report.get("risk") == "high" else 1}
