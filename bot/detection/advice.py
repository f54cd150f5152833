"""The resident's answer to "is this a scam?": verdict, type, why, what to do, which words.

Many readers are elderly: short lines, the steps spelled out, always the 96110 / 110 numbers.
A WeChat passive reply should stay short, so the text is kept under MAX_REPLY characters,
dropping the least important parts first.
"""

from __future__ import annotations

from bot import texts
from bot.detection.verdict import SAFE, SCAM, Verdict

MAX_REPLY = 600
MAX_WORDS = 4
MAX_WORD_CHARS = 24
MAX_LINK_CHARS = 60


def render_check_reply(verdict: Verdict, knowledge=None) -> str:
    """The reply text for one checked message (always < MAX_REPLY characters)."""
    if verdict.verdict == SAFE:
        return _fit([texts.CHECK_HEADLINE[SAFE], texts.CHECK_UNSURE, texts.CHECK_SAFE_TIP])
    headline = texts.CHECK_HEADLINE.get(verdict.verdict, texts.CHECK_HEADLINE["suspicious"])
    if verdict.type_name:
        headline += "\n" + texts.CHECK_TYPE.format(name=verdict.type_name)
    parts = [headline, _why(verdict, knowledge), _todo(verdict), _words(verdict)]
    # When too long, the quoted words go first, then the explanation; the steps always stay.
    return _fit(parts, drop_order=(3, 1))


def _why(verdict: Verdict, knowledge) -> str:
    if not verdict.type or knowledge is None:
        return ""
    try:
        why = knowledge.why(verdict.type)
    except (KeyError, AttributeError):
        return ""
    return texts.CHECK_WHY.format(why=why) if why else ""


def _todo(verdict: Verdict) -> str:
    steps = texts.CHECK_TODO_SCAM if verdict.verdict == SCAM else texts.CHECK_TODO_SUSPICIOUS
    lines = [texts.CHECK_TODO_TITLE] + [f"{n}. {step}" for n, step in enumerate(steps, 1)]
    extracted = verdict.extracted or {}
    if extracted.get("links"):
        link = extracted["links"][0][:MAX_LINK_CHARS]
        lines.append(texts.CHECK_LINK.format(link=link))
    if extracted.get("apps") and "app_download" in verdict.signals:
        lines.append(texts.CHECK_APP.format(apps="、".join(extracted["apps"][:3])))
    return "\n".join(lines)


def _words(verdict: Verdict) -> str:
    words = [w[:MAX_WORD_CHARS] for w in verdict.evidence[:MAX_WORDS] if w.strip()]
    if not words:
        return ""
    return texts.CHECK_WORDS.format(words="、".join(f"“{w}”" for w in words))


def _fit(parts: list[str], drop_order: tuple[int, ...] = ()) -> str:
    """Join the parts; blank droppable ones in drop_order until it fits, then cut hard."""
    parts = list(parts)
    text = "\n\n".join(p for p in parts if p)
    for index in drop_order:
        if len(text) < MAX_REPLY:
            break
        parts[index] = ""
        text = "\n\n".join(p for p in parts if p)
    return text if len(text) < MAX_REPLY else text[: MAX_REPLY - 2] + "…"
