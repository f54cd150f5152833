"""Filing the reports that were held in the journal while Redis was down, exactly once."""

from __future__ import annotations

import logging
from dataclasses import replace

import redis

from bot import texts
from bot.reports import notices as notify
from bot.reports.conversation import address_fields, filing_from, with_situation
from bot.reports.filing import file_report
from bot.reports.parse import parse_report

log = logging.getLogger(__name__)


def replay_record(record: dict, ctx) -> None:
    """File one held report as if its informant had confirmed it; skip one filed before."""
    journal_id = record.get("journal_id", "")
    if record.get("kind") != "report" or ctx.state.journaled(journal_id):
        return
    user = record.get("user", "")
    if not ctx.state.informant_buildings(user):
        # As when Redis is up: only a bound informant files reports. The sender was told it was
        # held, so they are told now that it was not passed on, and what to do instead.
        log.warning("held report %s not filed: its sender is not a bound informant", journal_id)
        told = notify.notice("mp_text", user, "", "not_filed", texts.REPORT_NOT_FILED, ctx.clock())
        ctx.state.refuse_journaled(journal_id, [told])
        return
    parsed = parse_report(record.get("text", ""), ctx.report_rules())
    data = with_situation(address_fields(parsed.address), parsed, record.get("text", ""))
    filed = file_report(replace(filing_from(data, user), journal_id=journal_id), ctx)
    rid = filed.report["id"]
    told = notify.notice("mp_text", user, rid, "replayed", texts.REPORT_REPLAYED.format(id=rid), ctx.clock())
    ctx.state.queue_notices([told])


# Errors that say "Redis is failing again": the replay stops and the journal waits for the next.
# Any other error belongs to one record, which is set aside (see bot/journal.py).
RETRY_LATER = (redis.RedisError, OSError)


def replay_held(ctx) -> None:
    """While Redis answers: file whatever the journal holds (at most every few seconds). Records
    that could not be filed are kept in the set-aside file, and the duty officers are told.
    Set-aside files past the retention period are deleted here too: they live on this machine."""
    result = ctx.journal.replay_if_due(lambda record: replay_record(record, ctx), RETRY_LATER)
    if result.set_aside:
        alert_set_aside(result.set_aside, result.set_aside_file, ctx)
    ctx.journal.tidy_if_due(ctx.config.retention_days)


def alert_set_aside(count: int, file, ctx) -> None:
    content = texts.ALERT_HELD_SET_ASIDE.format(count=count, file=file)
    ctx.state.queue_notices(notify.duty_alerts(ctx.registry().duty, "", content, ctx.clock()))
