"""Read-only views: the scam pattern library (with a box to test a message) and the registry."""

from __future__ import annotations

import time

from flask import current_app, g, render_template, request

from bot.dashboard import bp
from bot.dashboard.text import CONDITIONS, RISK, TARGETS, VERDICT, T
from bot.detection.advice import render_check_reply

MAX_CHECK_CHARS = 4000


def ctx():
    return current_app.extensions["fanzha"].ctx


def library_values(**extra) -> dict:
    info = ctx().detector.info()
    loaded = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(info["loaded_at"] + 8 * 3600))
    types = sorted(ctx().detector.detector.library.types, key=lambda t: ({"high": 0, "medium": 1}.get(t.risk, 2), t.id))
    return {"info": info, "loaded": loaded, "types": types, "risks": RISK, "verdicts": VERDICT, **extra}


@bp.get("/library")
def library_page():
    return render_template("dashboard/library.html", **library_values())


@bp.post("/library/check")
def library_check():
    """Test a message as a resident would send it; nothing is counted or stored."""
    text = request.form.get("text", "").strip()[:MAX_CHECK_CHARS]
    if not text:
        return render_template("dashboard/library.html", **library_values(error=T["check_empty"]))
    verdict = ctx().detector.check(text)
    reply = render_check_reply(verdict, ctx().knowledge)
    return render_template("dashboard/library.html", **library_values(text=text, verdict=verdict, reply=reply))


@bp.get("/registry")
def registry_page():
    registry = ctx().registry()
    grids = g.account.grids(registry)
    buildings = None if g.account.is_duty else set(g.account.grid.buildings)
    informants = sorted(informant_rows(buildings), key=lambda row: (row[1], row[0]))
    return render_template("dashboard/registry.html", registry=registry, grids=grids, risks=RISK,
                           informants=informants, ladders=registry.ladders,
                           conditions=CONDITIONS, targets=TARGETS)


def informant_rows(buildings: set[str] | None) -> list[tuple[str, list[str]]]:
    """Informants (openid masked: it is an identifier, not a name) with their buildings."""
    rows = []
    for user, held in ctx().state.informants().items():
        if buildings is None or set(held) & buildings:
            masked = user[:4] + "…" + user[-4:] if len(user) > 10 else user
            rows.append((masked, held))
    return rows
