"""The dashboard's words: they live in bot/texts.py with the rest of the bot's text."""

from __future__ import annotations

from bot import texts

T = texts.DASHBOARD
STATUS = texts.STATUS_NAMES
RISK = texts.RISK_NAMES
OUTCOME_NAMES = {code: name for code, name in texts.OUTCOMES.values()}
VERDICT = texts.DASHBOARD_VERDICTS
EVENTS = texts.DASHBOARD_EVENTS
CONDITIONS = texts.DASHBOARD_CONDITIONS
TARGETS = texts.DASHBOARD_TARGETS
