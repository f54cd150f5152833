"""The dashboard's figures: computed on known data, the figures pages, the CSV export."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import file_report
from tests.test_dashboard import sign_in


@pytest.fixture
def state(app):
    return app.extensions["fanzha"].ctx.state


# --- figures on known data -------------------------------------------------------------------

def at(day: str, hour: int, minute: int = 0) -> float:
    """Epoch of a community-calendar time (UTC+8)."""
    from bot.dashboard.figures import Period

    return Period(date.fromisoformat(day), date.fromisoformat(day)).start + hour * 3600 + minute * 60


def known_reports() -> list[tuple[dict, list[dict]]]:
    def report(rid, risk, grid, created, **extra):
        return {"id": rid, "risk": risk, "grid": grid, "created_at": created, "status": "open",
                "informants": [], **extra}

    r1, r2 = at("2026-05-04", 10), at("2026-05-05", 10)
    r3, r4, r6 = at("2026-05-12", 9), at("2026-05-13", 9), at("2026-05-16", 23, 50)
    return [
        (report("R1", "high", "g1", r1, status="closed", outcome="dissuaded", amount_saved=20000, informants=["o1"]),
         [{"what": "filed", "at": r1}, {"what": "claimed", "at": r1 + 120}, {"what": "contacted", "at": r1 + 360}]),
        (report("R2", "high", "g2", r2, status="closed", outcome="lost_reported", amount_lost=5000,
                informants=["o2", "o1"]),
         [{"what": "claimed", "at": r2 + 240}, {"what": "contacted", "at": r2 + 840}]),
        (report("R3", "medium", "g1", r3, status="claimed"), [{"what": "transferred", "at": r3 + 1200}]),
        (report("R4", "low", "g3", r4, status="closed", outcome="false_alarm", closed_at=r4 + 3600), []),
        (report("R5", "high", "g1", at("2026-05-20", 9)), []),  # after the period
        (report("R6", "medium", "g2", r6), []),
    ]


def test_figures_on_known_data():
    from bot.dashboard.figures import Period, add_checks, add_informants, change, compute

    period = Period(date(2026, 5, 4), date(2026, 5, 17))
    items = known_reports()
    now = at("2026-05-17", 0)
    figures = compute(items, period, now, {"high": 600, "medium": 1800, "low": 86400})
    assert figures.total == 5 and dict(figures.by_risk) == {"high": 2, "medium": 2, "low": 1}
    assert list(figures.weekly_risk) == ["2026-05-04", "2026-05-11"]
    assert figures.weekly_risk["2026-05-04"] == {"high": 2}
    assert figures.weekly_risk["2026-05-11"] == {"medium": 2, "low": 1}
    assert figures.weekly_grid["2026-05-11"] == {"g1": 1, "g3": 1, "g2": 1}
    high, medium, low = figures.timings
    assert (high.claim_median, high.contact_median) == (180, 600)
    assert (high.contact_met, high.contact_decided, high.claim_met, high.claim_decided) == (1, 2, 2, 2)
    assert medium.claim_median == 1200 and medium.contact_median is None
    assert (medium.claim_met, medium.claim_decided) == (1, 1)  # R6 is still inside its 30 minutes
    assert (medium.contact_met, medium.contact_decided, medium.contact_share) == (0, 1, 0.0)
    assert (low.contact_met, low.contact_decided, low.contact_median) == (1, 1, 3600)  # closed as 误报 in time
    assert (figures.saved, figures.lost, figures.closed) == (20000, 5000, 3)

    add_checks(figures, {"2026-05-04": {"verdict:scam": 3, "verdict:safe": 2, "type:police": 3},
                         "2026-05-10": {"verdict:suspicious": 1, "type:parttime": 1}},
               {"police": "冒充公检法", "parttime": "刷单返利"})
    assert len(figures.checks) == 14 and figures.checks[0] == ("2026-05-04", 5, 3, 0)
    assert (figures.check_total, figures.check_scams) == (6, 3)
    assert figures.top_types == [("冒充公检法", 3), ("刷单返利", 1)]

    add_informants(figures, {"o1": ["3栋"], "o2": ["6栋"], "o3": ["9栋"]}, items)
    assert (figures.informants, figures.informants_active) == (3, 2)
    add_informants(figures, {"o1": ["3栋"], "o2": ["6栋"], "o3": ["9栋"]}, items, buildings={"3栋"})
    assert (figures.informants, figures.informants_active) == (1, 1)
    assert change(23, 20) == pytest.approx(0.15) and change(5, 0) is None


def test_figures_page_and_monthly_summary_render(app, chat, state, staff, clock):
    from bot.dashboard.figures import day_of

    rid = file_report(chat, state)
    staff.send(f"认领 {rid}", user="zhangsan")
    clock.advance(240)
    staff.send(f"已联系 {rid}", user="zhangsan")
    staff.send(f"结案 {rid} 1 3万", user="zhangsan")
    client, _ = sign_in(app, "duty01")
    page = client.get("/dashboard/figures").get_data(as_text=True)
    assert "3.0万元" in page and "<svg" in page and "100%" in page  # contacted in 4 of 10 minutes
    month = day_of(clock.now)[:7]
    monthly = client.get(f"/dashboard/figures/monthly?month={month}").get_data(as_text=True)
    assert "本月共收到报告 <b>1</b>" in monthly and "3.0万元" in monthly
    assert client.get("/dashboard/figures?from=bad").status_code == 200


def test_csv_export_of_a_period(app, chat, state, clock):
    from bot.dashboard.figures import day_of

    rid = file_report(chat, state)
    state.update_report(rid, {"unit": "=HYPERLINK(1)"}, {"at": clock.now, "by": "test", "what": "edited"}, [])
    client, _ = sign_in(app, "duty01")
    today = day_of(clock.now)
    response = client.get(f"/dashboard/export.csv?from={today}&to={today}")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert body.startswith("\ufeff编号,提交时间,风险")
    row = body.splitlines()[1].split(",")
    assert row[0] == rid and row[2] == "高风险" and row[3] == "3栋" and row[4] == "'=HYPERLINK(1)"
    assert "王阿姨" not in body  # names and situations stay in the dashboard
    assert len(client.get("/dashboard/export.csv?from=2001-01-01&to=2001-01-31").get_data(as_text=True)
               .splitlines()) == 1
