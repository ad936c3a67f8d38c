"""The maps' groundwork: Chinese names drawn with a CJK font (pinyin without one, never
boxes), a frame around the points, a scale bar of a round length."""

from __future__ import annotations

import os
import warnings

import pytest
from matplotlib.offsetbox import AnchoredOffsetbox

from matcher._internal.io.outputs.maps import (
    MapFrame,
    can_draw,
    cjk_fonts,
    figure,
    readable,
    svg_markup,
)
from matcher._internal.model.places import QINXIAN, QINXIAN_COMPOUNDS, QINXIAN_PLACES

NO_CJK = ("DejaVu Sans",)
"""The chart fonts of a fresh machine: matplotlib's own font and no CJK font."""

AROUND_QINXIAN = [QINXIAN.degrees(-400, 380), QINXIAN.degrees(400, -380)]
"""Two corners that put every Qinxian place in view."""


def test_chinese_compound_names_render_without_missing_glyphs() -> None:
    """Matplotlib warns "Glyph ... missing from font(s)" when it would draw a box."""
    if not cjk_fonts():
        if os.environ.get("CI"):
            pytest.fail("no CJK font found; .ci/run installs fonts-noto-cjk")
        pytest.skip("no CJK font installed here (apt-get install fonts-noto-cjk)")
    with warnings.catch_warnings(record=True) as caught, figure(3, 3) as (fig, ax):
        warnings.simplefilter("always")
        ax.set_title("亲贤北苑 社区服务中心 map")
        svg_markup(fig, "glyphs")
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_without_a_cjk_font_places_are_labelled_in_pinyin() -> None:
    with figure(4, 4) as (_, ax):
        MapFrame(ax, AROUND_QINXIAN).places(fonts=NO_CJK)
        labels = {t.get_text() for t in ax.texts}
    assert labels == {p.name_pinyin for p in QINXIAN_PLACES}
    assert "Qinxian Beiyuan" in labels and all(label.isascii() for label in labels)


def test_with_a_cjk_font_places_keep_their_chinese_names() -> None:
    if not cjk_fonts():
        if os.environ.get("CI"):
            pytest.fail("no CJK font found; .ci/run installs fonts-noto-cjk")
        pytest.skip("no CJK font installed here (apt-get install fonts-noto-cjk)")
    with figure(4, 4) as (_, ax):
        MapFrame(ax, AROUND_QINXIAN).places()  # the fonts this machine has
        assert {t.get_text() for t in ax.texts} == {p.name for p in QINXIAN_PLACES}


def test_a_map_on_this_machine_draws_no_missing_glyph() -> None:
    """Whatever fonts are installed: with CJK fonts the names are Chinese, without them
    pinyin; either way matplotlib finds a glyph for every character and does not warn."""
    with warnings.catch_warnings(record=True) as caught, figure(4, 4) as (fig, ax):
        warnings.simplefilter("always")
        MapFrame(ax, AROUND_QINXIAN).places()
        svg_markup(fig, "this-machine")
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_label_is_the_first_name_the_fonts_can_draw() -> None:
    assert can_draw("walk: home → services – 200 m", NO_CJK)  # DejaVu has arrows and dashes
    assert not can_draw("亲贤北苑", NO_CJK)
    assert readable("亲贤北苑", "Qinxian Beiyuan", fonts=NO_CJK) == "Qinxian Beiyuan"
    # No name drawable whole: the last one without what cannot be drawn, never a box.
    assert readable("冬季 winter storm", fonts=NO_CJK) == "winter storm"
    assert readable("冬季", fonts=NO_CJK) == "?"


def test_the_frame_holds_every_point_with_a_margin() -> None:
    points = [QINXIAN.degrees(-300, 250), QINXIAN.degrees(320, -260), QINXIAN.degrees(0, 0)]
    with figure(4, 4) as (_, ax):
        m = MapFrame(ax, points)
        xs, ys = m.xy(points)
        (left, right), (bottom, top) = ax.get_xlim(), ax.get_ylim()
        assert all(left + 30 < x < right - 30 for x in xs)
        assert all(bottom + 30 < y < top - 30 for y in ys)
        assert m.places() is True  # the Qinxian compounds are in view
        assert len(ax.patches) == len(QINXIAN_COMPOUNDS)
        m.decorate()
        (bar,) = [a for a in ax.artists if isinstance(a, AnchoredOffsetbox)]
        label = bar.get_child().get_children()[1].get_text()  # the size bar's "200 m"
        assert label in {"100 m", "200 m", "250 m"}


def test_a_single_far_point_gets_a_sensible_frame_and_no_compounds() -> None:
    with figure(4, 4) as (_, ax):
        m = MapFrame(ax, [(30.27415, 120.15515)])
        assert ax.get_xlim() == (-200.0, 200.0)  # the minimum side, 400 m
        assert m.places() is False and not ax.patches
