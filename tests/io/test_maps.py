"""The maps' groundwork: Chinese names drawn with a CJK font, a frame around the points, a
scale bar of a round length."""

from __future__ import annotations

import os
import warnings

import pytest
from matplotlib.offsetbox import AnchoredOffsetbox

from matcher._internal.io.maps import MapFrame, cjk_fonts, figure, svg_markup
from matcher._internal.model.places import QINXIAN, QINXIAN_COMPOUNDS


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
