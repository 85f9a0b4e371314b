"""The SVG charts as pure functions: labelled, described in words, right when empty or single."""

from __future__ import annotations

import re

import pytest

from rapport.web import charts


def test_a_line_chart_has_a_title_and_a_text_alternative_with_every_number() -> None:
    svg = str(
        charts.line_chart(
            "IC agenda share", [("Jul", 40), ("Aug", None), ("Sep", 65.5)], chart_id="c1"
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">IC agenda share</title>' in svg
    assert "IC agenda share: Jul: 40%; Aug: no data; Sep: 65.5%." in svg
    assert svg.count("<circle") == 2  # the month without data draws no dot
    assert "<polyline" in svg


def test_an_empty_series_says_no_data_yet() -> None:
    for points in ([], [("Jul", None), ("Aug", None)]):
        svg = str(charts.line_chart("Mood", points, maximum=5, unit="", chart_id="m"))
        assert "No data yet" in svg
        assert '<desc id="m-desc">Mood: no data yet.</desc>' in svg
        assert "<circle" not in svg and "<polyline" not in svg


def test_a_single_point_is_one_centred_dot_without_a_line() -> None:
    svg = str(charts.line_chart("Talk", [("Dec", 30)], chart_id="t"))
    assert svg.count("<circle") == 1
    assert "<polyline" not in svg
    assert re.search(r'<circle class="dot" cx="(\d+\.\d)"', svg)


def test_a_limit_line_is_drawn_at_its_value() -> None:
    svg = str(charts.line_chart("Talk", [("a", 10), ("b", 50)], limit=30, chart_id="t"))
    assert 'class="limit"' in svg


def test_values_stay_inside_the_frame() -> None:
    svg = str(charts.line_chart("x", [("a", -5), ("b", 500)], chart_id="x"))
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', svg)]
    assert all(0 <= y <= charts.HEIGHT for y in ys)


def test_bars_scale_to_the_tallest_and_show_zero_months() -> None:
    svg = str(charts.bar_chart("Cancellations", [("Jul", 0), ("Aug", 2), ("Sep", 1)], chart_id="b"))
    heights = [float(h) for h in re.findall(r'<rect class="dot"[^>]*height="([\d.]+)"', svg)]
    assert heights[0] == 0 and heights[1] == pytest.approx(2 * heights[2])
    assert "Cancellations: Jul: 0; Aug: 2; Sep: 1." in svg


def test_labels_and_titles_are_escaped() -> None:
    svg = str(charts.line_chart("<b>x</b>", [("<i>", 1)], chart_id="e"))
    assert "<b>" not in svg and "<i>" not in svg
    assert "&lt;b&gt;" in svg


def test_a_chart_needs_a_positive_maximum() -> None:
    with pytest.raises(ValueError, match="positive"):
        charts.line_chart("x", [("a", 1)], maximum=0, chart_id="z")


def test_a_rating_chart_runs_from_1_to_5_and_puts_a_1_on_the_floor() -> None:
    svg = str(
        charts.line_chart(
            "Rating", [("Jul", 1), ("Aug", 5)], minimum=1, maximum=5, unit="", chart_id="r"
        )
    )
    assert ">1</text>" in svg and ">5</text>" in svg
    assert ">0</text>" not in svg  # no 0 on a 1-5 scale
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', svg)]
    floor = charts.HEIGHT - charts.BOTTOM
    assert ys[0] == pytest.approx(floor) and ys[1] == pytest.approx(charts.TOP)


def test_a_chart_needs_its_minimum_below_its_maximum() -> None:
    with pytest.raises(ValueError, match="below"):
        charts.line_chart("x", [("a", 1)], minimum=5, maximum=5, chart_id="z")


def test_the_outer_labels_grow_inwards_so_long_dates_stay_inside() -> None:
    svg = str(
        charts.line_chart(
            "Rating", [("01 Sep 2026", 4), ("06 Dec 2026", 3)], maximum=5, chart_id="d"
        )
    )
    assert 'text-anchor="start">01 Sep 2026<' in svg
    right = charts.WIDTH - charts.RIGHT
    assert f'x="{right:.1f}" y="{charts.HEIGHT - 8}" text-anchor="end">06 Dec 2026<' in svg
