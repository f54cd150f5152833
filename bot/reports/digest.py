"""The daily digest: once a day, each grid's staff get one message listing its open reports of a
risk level (LOW by default) that nobody has been in touch with yet."""

from __future__ import annotations

from bot import texts
from bot.reports import notices as notify
from bot.reports.query import open_reports

CHINA_OFFSET = 8 * 3600


def send_digests(ctx, now: float) -> int:
    """Queue the digests that are due today and not sent yet; returns how many messages."""
    registry = ctx.registry()
    minute = int((now + CHINA_OFFSET) % 86400) // 60
    queued: list[dict] = []
    for risk, at in registry.digests.items():
        # The bucket is the China day: one digest per risk level per day, whichever worker sends it.
        if minute < at or not ctx.state.take_rate_slot("digest", risk, now + CHINA_OFFSET, 1, window=86400):
            continue
        waiting = [
            r for r in open_reports(ctx.state) if r["risk"] == risk and r["status"] in ("open", "claimed")
        ]
        for grid in registry.grids:
            queued += digest_for(
                grid.name, grid.responders, [r for r in waiting if r.get("grid") == grid.id], now
            )
        queued += digest_for(
            texts.REPORT_NO_GRID, registry.duty, [r for r in waiting if not r.get("grid")], now
        )
    if queued:
        ctx.state.queue_notices(queued)
    return len(queued)


def digest_for(grid_name: str, people, reports: list[dict], now: float) -> list[dict]:
    if not reports:
        return []
    lines = "\n".join(
        texts.DIGEST_LINE.format(
            id=r["id"], place=notify.place_of(r), situation=(r.get("situation") or "")[:30]
        )
        for r in reports[:20]
    )
    content = texts.DIGEST.format(
        grid=grid_name, count=len(reports), risk=texts.RISK_NAMES[reports[0]["risk"]], lines=lines
    )
    return [notify.notice("wecom_app", p.wecom, "", "digest", content, now) for p in people]
