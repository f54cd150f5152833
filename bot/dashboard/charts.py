"""Charts drawn on the server as inline SVG: nothing is fetched from anywhere, nothing runs.

Colours come from CSS classes (the page's stylesheet), so the same chart is calm on the dark
screen and plain black-on-white when printed. Every label goes through escape().
"""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
NARROW = 420  # bar lists are drawn narrower, so their words stay legible when a phone shrinks them
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 28


TICKS = 4
STEPS = (1, 1.5, 2, 2.5, 3, 5)


def _nice_max(value: float) -> float:
    """The axis top: four whole-number steps of 1, 2, 3, 5, 10, 15, 20, 25 ... (counts are whole)."""
    scale = 1
    while True:
        for factor in STEPS:
            step = factor * scale
            if step == int(step) and step * TICKS >= value:
                return step * TICKS
        scale *= 10


def _svg(body: list[str], label: str, height: int = HEIGHT, width: int = WIDTH) -> Markup:
    css = "chart" if width == WIDTH else "chart fit"
    head = (f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
            f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">')
    return Markup(head + "".join(body) + "</svg>")


def _grid_lines(top_value: float, height: int) -> list[str]:
    plot = height - TOP - BOTTOM
    lines = []
    for i in range(TICKS + 1):
        value = top_value * i / TICKS
        y = TOP + plot - plot * i / TICKS
        lines.append(f'<line class="gridline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        text = f"{value:g}" if value < 10000 else f"{value / 10000:g}万"
        lines.append(f'<text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>')
    return lines


def stacked_bars(categories: list[str], series: list[tuple[str, str]], values: dict[str, dict],
                 label: str, every: int = 1) -> Markup:
    """One bar per category, stacked by series (key, css class); `every`-th category labelled."""
    if not categories:
        return _svg([], label)
    totals = [sum(values.get(c, {}).get(key, 0) for key, _ in series) for c in categories]
    top_value = _nice_max(max(totals + [1]))
    plot_h, slot = HEIGHT - TOP - BOTTOM, (WIDTH - LEFT - RIGHT) / len(categories)
    body = _grid_lines(top_value, HEIGHT)
    for i, category in enumerate(categories):
        x, y = LEFT + i * slot + slot * 0.15, TOP + plot_h
        for key, css in series:
            n = values.get(category, {}).get(key, 0)
            if n:
                h = plot_h * n / top_value
                y -= h
                body.append(f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
                            f'<title>{escape(category)}：{n}</title></rect>')
        if i % every == 0:
            body.append(f'<text class="tick" x="{x + slot * 0.35:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
                        f'{escape(category[5:])}</text>')
    return _svg(body, label)


def hbars(items: list[tuple[str, float]], label: str, css: str = "bar") -> Markup:
    """Horizontal bars, one labelled row per item (names on the left, the count at the end)."""
    row, name_w = 26, 170
    height = max(len(items), 1) * row + 8
    top_value = max([v for _, v in items] + [1])
    span = NARROW - name_w - 50
    body = []
    for i, (name, value) in enumerate(items):
        y = 4 + i * row
        w = span * value / top_value
        body.append(f'<text class="name" x="{name_w - 8}" y="{y + 17}" text-anchor="end">{escape(_short(name))}</text>')
        body.append(f'<rect class="{css}" x="{name_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 10}"/>')
        body.append(f'<text class="value" x="{name_w + w + 6:.1f}" y="{y + 17}">{value:g}</text>')
    return _svg(body, label, height, NARROW)


def _short(name: str, limit: int = 10) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def against_target(rows: list[tuple[str, float | None]], target: float, label: str) -> Markup:
    """Minutes taken (bars) against the target (a dashed line); over target is drawn differently."""
    row, name_w = 30, 50
    height = len(rows) * row + 22
    top_value = max([target * 1.5] + [v or 0 for _, v in rows])
    span = NARROW - name_w - 80
    x_target = name_w + span * target / top_value
    body = []
    for i, (name, value) in enumerate(rows):
        y = 4 + i * row
        body.append(f'<text class="name" x="{name_w - 8}" y="{y + 19}" text-anchor="end">{escape(name)}</text>')
        if value is None:
            body.append(f'<text class="value" x="{name_w}" y="{y + 19}">暂无数据</text>')
            continue
        css = "bar" if value <= target else "bar over"
        w = span * value / top_value
        body.append(f'<rect class="{css}" x="{name_w}" y="{y + 6}" width="{max(w, 1):.1f}" height="{row - 12}"/>')
        body.append(f'<text class="value" x="{name_w + w + 6:.1f}" y="{y + 19}">{value:.1f} 分钟</text>')
    body.append(f'<line class="target" x1="{x_target:.1f}" x2="{x_target:.1f}" y1="0" y2="{height - 16}"/>')
    body.append(f'<text class="tick" x="{x_target:.1f}" y="{height - 4}" text-anchor="middle">'
                f'目标 {target:g} 分钟</text>')
    return _svg(body, label, height, NARROW)
