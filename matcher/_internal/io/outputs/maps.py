"""Small neighbourhood maps for people, drawn with matplotlib: no tiles, no network.

A coordinator needs to see at a glance where today's jobs are, who walks where and what was
left undone; an analyst needs to see where a scenario leaves requests unserved. Both maps
share what is drawn here: a local projection in metres, the known compounds as labelled
outlines, a scale bar, a north arrow, and fonts that can draw Chinese names.

A machine without a CJK font still gets readable maps, quietly: every label is chosen by
whether the chart fonts can draw it (`readable`), so a compound is named in pinyin there
instead of as a row of boxes with a matplotlib warning per missing glyph.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.font_manager as font_manager
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Circle
from matplotlib.patheffects import withStroke
from mpl_toolkits.axes_grid1.anchored_artists import (  # type: ignore[import-untyped]
    AnchoredSizeBar,
)

from matcher._internal.model.places import QINXIAN_PLACES, LocalFrame, Place

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

Point = tuple[float, float]
"""(lat, lon) in WGS84 degrees."""

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
             "PingFang SC")  # fmt: skip
"""Fonts with Chinese glyphs, preferred first; the HTML pages name the same stack."""

_CJK_FILES = re.compile(r"NotoSansCJK|NotoSansSC|wqy-?microhei|msyh|PingFang", re.IGNORECASE)
"""File names of those fonts, for fonts installed after matplotlib built its font cache."""


@functools.cache
def cjk_fonts() -> tuple[str, ...]:
    """The CJK fonts matplotlib can use here, preferred first; empty if none is installed.

    Matplotlib caches the font list on first use, so a font installed later (say by
    `apt-get install fonts-noto-cjk`) is unknown to it: such files are registered here.
    """
    known = {f.name for f in font_manager.fontManager.ttflist}
    if not known & set(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if _CJK_FILES.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable file: skip it
                    continue
        known = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(name for name in CJK_FONTS if name in known)


def chart_fonts() -> tuple[str, ...]:
    """The font families charts draw with, in order: Latin letters from matplotlib's own
    DejaVu Sans, every glyph it lacks from the first CJK font that has it (matplotlib's
    per-glyph fallback). Only DejaVu Sans on a machine without CJK fonts."""
    return ("DejaVu Sans", *cjk_fonts())


@functools.cache
def _glyphs(family: str) -> frozenset[int]:
    """The code points a font family has glyphs for; none if matplotlib cannot find it."""
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=family),
                                     fallback_to_default=False)  # fmt: skip
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def can_draw(text: str, fonts: Sequence[str] | None = None) -> bool:
    """Whether one of `fonts` (default: `chart_fonts()`) has a glyph for every character of
    `text`. Matplotlib draws any other character as a box and warns "Glyph ... missing"."""
    covered = [_glyphs(family) for family in (chart_fonts() if fonts is None else fonts)]
    return all(c.isspace() or any(ord(c) in glyphs for glyphs in covered) for c in text)


def readable(*names: str, fonts: Sequence[str] | None = None) -> str:
    """The first of `names` (say a Chinese name, then its pinyin) that `fonts` (default:
    `chart_fonts()`) can draw whole; if none can, the last without the characters they
    cannot draw ("?" if that leaves nothing), so a chart never shows boxes."""
    for name in names:
        if name and can_draw(name, fonts):
            return name
    kept = "".join(c for c in names[-1] if can_draw(c, fonts)) if names else ""
    return " ".join(kept.split()) or "?"


def place_label(place: Place, fonts: Sequence[str] | None = None) -> str:
    """A place's name on a map: in Chinese where a font can draw it, else in pinyin, else in
    English."""
    return readable(place.name, place.name_pinyin, place.name_en, fonts=fonts)


def chart_rc() -> dict[RcKeyType, Any]:
    """Matplotlib settings for charts with Chinese text: the `chart_fonts()`, text as
    outlines, a hyphen for minus (every font has one)."""
    return {
        "font.family": list(chart_fonts()),
        "svg.fonttype": "path",  # glyphs as outlines: the page needs no font to show them
        "axes.unicode_minus": False,
    }


@contextmanager
def figure(width_in: float, height_in: float, **subplots: Any) -> Iterator[tuple[Figure, Any]]:
    """A figure drawn with `chart_rc`, closed afterwards (long runs draw hundreds)."""
    with plt.rc_context(chart_rc()):
        fig, axes = plt.subplots(figsize=(width_in, height_in), **subplots)
        try:
            yield fig, axes
        finally:
            plt.close(fig)


def svg_markup(fig: Figure, key: str) -> str:
    """The figure as an `<svg>` element to put inline in HTML.

    Every element id (and each reference to one) is prefixed with `key`: a page with
    several maps must not define the same id twice, and matplotlib numbers its ids per
    figure. The key also seeds matplotlib's hashed ids, so the same map gives the same text.
    """
    buffer = io.StringIO()
    with plt.rc_context({**chart_rc(), "svg.hashsalt": key}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", key)
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m[1]}"', text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"', text)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m[1]})", text)


def png_base64(fig: Figure, dpi: int = 110) -> str:
    """The figure as base64 PNG, for `<img src="data:image/png;base64,...">`."""
    buffer = io.BytesIO()
    with plt.rc_context(chart_rc()):
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


COMPOUND_DRAWN = 0.6
"""Compounds are drawn at 0.6 of the radius that counts as inside them (1.5 spreads): the
walled core most homes lie in, without the circles of neighbours running into each other."""
COMPOUND_FILL, COMPOUND_EDGE, LANDMARK = "#eef1e6", "#b7bfa5", "#8a6d3b"


class MapFrame:
    """Axes in metres east and north of the points' middle (equirectangular, which is good to
    a metre over a neighbourhood), framed on the points with a margin."""

    def __init__(self, ax: Axes, points: Sequence[Point], *, min_side_m: float = 400.0) -> None:
        self.ax = ax
        if points:
            lats, lons = [p[0] for p in points], [p[1] for p in points]
            self.frame = LocalFrame((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
        else:
            self.frame = LocalFrame(0.0, 0.0)
        xs, ys = self.xy(points)
        # A margin of 8% and 40 m keeps markers and their numbers off the edge.
        half_w = max(max((abs(x) for x in xs), default=0.0) * 1.08 + 40, min_side_m / 2)
        half_h = max(max((abs(y) for y in ys), default=0.0) * 1.08 + 40, min_side_m / 2)
        self.half_w, self.half_h = half_w, half_h
        ax.set_xlim(-half_w, half_w)
        ax.set_ylim(-half_h, half_h)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#fbfbf8")

    def xy(self, points: Sequence[Point]) -> tuple[list[float], list[float]]:
        """Metres east and north of the map's middle, as two lists."""
        pairs = [self.frame.metres(lat, lon) for lat, lon in points]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def _visible(self, x: float, y: float, margin: float = 0.0) -> bool:
        return abs(x) <= self.half_w + margin and abs(y) <= self.half_h + margin

    def places(
        self,
        places: Sequence[Place] = QINXIAN_PLACES,
        *,
        label_size: float = 8,
        fonts: Sequence[str] | None = None,
    ) -> bool:
        """Draw the known places in view (compounds as outlines, landmarks as stars), under
        everything else, named by `place_label` (with `fonts`, default: the chart fonts);
        True when at least one is in view (it needs a legend entry)."""
        shown = False
        for place in places:
            x, y = self.frame.metres(place.lat, place.lon)
            if not self._visible(x, y, margin=place.radius_m):
                continue
            shown = True
            if place.kind == "compound":
                self.ax.add_patch(Circle((x, y), COMPOUND_DRAWN * place.radius_m, zorder=0,
                                         facecolor=COMPOUND_FILL, edgecolor=COMPOUND_EDGE,
                                         linewidth=0.8))  # fmt: skip
            else:
                self.ax.plot([x], [y], marker="*", markersize=11, color=LANDMARK, zorder=1,
                             linestyle="none")  # fmt: skip
            if label_size and self._visible(x, y):
                below = 0 if place.kind == "compound" else 24  # a star's name goes under it
                halo = [withStroke(linewidth=2, foreground="white")]
                self.ax.text(x, y - below, place_label(place, fonts), ha="center", va="center",
                             zorder=1, fontsize=label_size, color="#5d6549",
                             path_effects=halo)  # fmt: skip
        return shown

    def decorate(self, *, outside: bool = True) -> None:
        """A scale bar in metres (about a fifth of the width, a round number) and a north
        arrow: beside the map's right edge, or inside its corners for small multiples."""
        target = 2 * self.half_w / 5
        length = max(
            (n for n in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000) if n <= target),
            default=10,
        )
        where = {"bbox_to_anchor": (1.01, 0.0), "bbox_transform": self.ax.transAxes}
        bar = AnchoredSizeBar(
            self.ax.transData, length, f"{length} m", "lower left", pad=0.3, sep=3,
            frameon=not outside, size_vertical=length / 25, fontproperties={"size": 8},
            **(where if outside else {}),
        )  # fmt: skip
        bar.patch.set_alpha(0.8)
        self.ax.add_artist(bar)
        x = 1.04 if outside else 0.95
        self.ax.annotate("", xy=(x, 0.92), xytext=(x, 0.8), xycoords="axes fraction",
                         arrowprops={"arrowstyle": "-|>", "color": "#333"})  # fmt: skip
        self.ax.text(x, 0.95, "N", transform=self.ax.transAxes, ha="center", va="center",
                     fontsize=9, fontweight="bold")  # fmt: skip
