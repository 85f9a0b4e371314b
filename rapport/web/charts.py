"""Server-rendered SVG charts: no JavaScript, a title and a text alternative with the numbers.

Pure functions from labelled points to markup. A point's value may be None (no data
that month): it is skipped by the line and said so in the text alternative. An empty
series draws an empty frame that says "No data yet"; a single point draws one dot.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 42, 12, 16, 26

Point = tuple[str, float | None]


def _number(value: float, unit: str) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return f"{text}{unit}"


def describe(title: str, points: Sequence[Point], unit: str = "") -> str:
    """The text alternative: every point's label and value, in order."""
    if not points or all(value is None for _, value in points):
        return f"{title}: no data yet."
    parts = [
        f"{label}: {'no data' if value is None else _number(value, unit)}"
        for label, value in points
    ]
    return f"{title}: " + "; ".join(parts) + "."


def _frame(chart_id: str, title: str, text: str, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(text)}</desc>{body}</svg>'
    )


def _axes(
    maximum: float, unit: str, labels: Sequence[str], pad: float = 16, minimum: float = 0
) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    out = [
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">'
        f"{escape(_number(maximum, unit))}</text>",
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">'
        f"{escape(_number(minimum, unit))}</text>",
    ]
    last = len(labels) - 1
    for index, label in enumerate(labels):
        x = _x(index, len(labels), pad)
        # The outer labels grow inwards, so a long one (a date) stays inside the frame.
        anchor = "middle" if last == 0 else {0: "start", last: "end"}.get(index, "middle")
        if anchor != "middle":
            x = LEFT if anchor == "start" else WIDTH - RIGHT
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">{escape(label)}</text>'
        )
    return out


def _x(index: int, total: int, pad: float = 16) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    if total <= 1:
        return LEFT + plot_w / 2
    return LEFT + pad + index * (plot_w - 2 * pad) / (total - 1)


def _y(value: float, maximum: float, minimum: float = 0) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    span = maximum - minimum
    return TOP + plot_h - ((min(max(value, minimum), maximum) - minimum) / span) * plot_h


def line_chart(
    title: str,
    points: Sequence[Point],
    *,
    maximum: float = 100,
    minimum: float = 0,
    unit: str = "%",
    limit: float | None = None,
    chart_id: str,
) -> Markup:
    """A line through the points (gaps skipped), with an optional dashed limit line.

    The scale runs from `minimum` (0 for shares, 1 for a 1-5 rating) to `maximum`."""
    if maximum <= 0:
        raise ValueError("A chart's maximum must be positive.")
    if minimum >= maximum:
        raise ValueError("A chart's minimum must be below its maximum.")
    text = describe(title, points, unit)
    if not points or all(value is None for _, value in points):
        empty = (
            f'<rect x="1" y="1" width="{WIDTH - 2}" height="{HEIGHT - 2}" fill="none" '
            f'class="axis"/><text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
            "No data yet</text>"
        )
        return _frame(chart_id, title, text, empty)
    body = _axes(maximum, unit, [label for label, _ in points], minimum=minimum)
    if limit is not None:
        y = _y(limit, maximum, minimum)
        body.append(
            f'<line class="limit" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
        )
    coords = [
        (_x(index, len(points)), _y(value, maximum, minimum), value)
        for index, (_, value) in enumerate(points)
        if value is not None
    ]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
        body.append(f'<polyline class="line" points="{path}"/>')
    for x, y, value in coords:
        body.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
        body.append(
            f'<text x="{x:.1f}" y="{max(y - 6, 9):.1f}" text-anchor="middle">'
            f"{escape(_number(value, unit))}</text>"
        )
    return _frame(chart_id, title, text, "".join(body))


def bar_chart(title: str, points: Sequence[Point], *, chart_id: str, unit: str = "") -> Markup:
    """One bar per point (counts): the tallest sets the scale, at least 1."""
    text = describe(title, points, unit)
    if not points:
        return line_chart(title, points, unit=unit, chart_id=chart_id)
    maximum = max([value or 0 for _, value in points] + [1])
    plot_w = WIDTH - LEFT - RIGHT
    width = max(4.0, min(28.0, plot_w / len(points) * 0.6))
    pad = width / 2 + 4
    body = _axes(maximum, unit, [label for label, _ in points], pad)
    base = _y(0, maximum)
    for index, (_, value) in enumerate(points):
        if value is None:
            continue
        x = _x(index, len(points), pad)
        y = _y(value, maximum)
        body.append(
            f'<rect class="dot" x="{x - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{base - y:.1f}"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{max(y - 4, 9):.1f}" text-anchor="middle">'
            f"{escape(_number(value, unit))}</text>"
        )
    return _frame(chart_id, title, text, "".join(body))
