"""Numbers as the community says them: 21.3万元, 87%, 7.5 分钟."""

from __future__ import annotations


def money(yuan: float | None) -> str:
    yuan = float(yuan or 0)
    if yuan >= 10000:
        return f"{yuan / 10000:,.1f}万元"
    return f"{yuan:,.0f}元"


def pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def trend(ratio: float | None) -> str:
    """Change against last year: "比去年同期 +17%"."""
    if ratio is None:
        return "去年同期无数据"
    return f"比去年同期 {'+' if ratio >= 0 else '−'}{abs(ratio) * 100:.0f}%"


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 3600:
        return f"{_short(seconds / 3600)} 小时"
    return f"{_short(seconds / 60)} 分钟"


def _short(value: float) -> str:
    """One decimal, none when it is zero: 8.5, 10."""
    return f"{value:.1f}".removesuffix(".0")
