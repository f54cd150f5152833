"""Retention: old reports lose their personal details and keep their figures."""

from __future__ import annotations

import time

from bot.reports.retention import purge_old_reports
from tests.conftest import file_report


def test_old_reports_are_stripped_and_figures_kept(app, chat, clock, staff):
    ctx = app.extensions["fanzha"].ctx
    clock.now = time.time() - 200 * 86400
    old = file_report(chat, ctx.state)
    staff.send(f"结案 {old} 1 8000", user="zhangsan")
    clock.now = time.time()
    recent = file_report(chat, ctx.state, text="6栋1单元301 李大爷 要去银行转账", building="6栋", user="inf6")
    assert purge_old_reports(ctx, clock(), 180) == 1
    report = ctx.state.get_report(old)
    assert report["person"] is None and report["situation"] is None and report["informants"] == []
    assert (report["risk"], report["grid"], report["outcome"], report["amount_saved"]) == ("high", "g1", "dissuaded", 8000)
    assert all(set(e) <= {"event_id", "at", "what"} for e in ctx.state.report_events(old))
    assert ctx.state.get_report(recent)["person"] == "李大爷"
    assert purge_old_reports(ctx, clock(), 180) == 0  # once


def test_worker_runs_retention_once_a_day(make_app, clock):
    from bot import build_worker

    worker = build_worker(make_app().extensions["fanzha"])
    assert "purged" in worker.run_once(clock())
    assert "purged" not in worker.run_once(clock() + 60)


def test_the_web_process_deletes_set_aside_files_past_the_period(app, chat, clock):
    """Held reports that could not be filed are kept in files on the web machine: they name people
    too, and go when the period has passed (the worker may run elsewhere)."""
    journal = app.extensions["fanzha"].ctx.journal
    old, recent = journal.set_aside_file(clock() - 200 * 86400), journal.set_aside_file(clock() - 86400)
    for path in (old, recent):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"journal_id": "x", "kind": "report", "text": "3栋 王阿姨"}\n', encoding="utf-8")
    chat.send("你好")
    assert not old.exists() and recent.exists()
