"""Charts (PNG, matplotlib) and one self-contained HTML report of a scenario comparison.

Written for an analyst deciding between scenarios: every figure says its unit, shares are
percentages everywhere, axes are zoomed to where the scenarios differ (and say so), and a
difference smaller than the solver's proven gap is marked as possible noise rather than
presented as an effect.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter

from matcher._internal.io.outputs.maps import CJK_FONTS, MapFrame, figure, readable
from matcher._internal.model import QINXIAN_TEAMS, Reason
from matcher._internal.scenarios.spec import SWEPT_FIELDS


@dataclass(frozen=True)
class Kpi:
    """A compared figure: its column, its header with the unit, and how to show it."""

    column: str
    label: str
    percent: bool = False
    decimals: int = 1
    within_gap: bool = False
    """A served figure: the solver may be up to its gap below the best schedule, so a
    difference smaller than the gap may be noise."""

    def show(self, value: float) -> str:
        return f"{value * 100:.{self.decimals}f}" if self.percent else f"{value:,.{self.decimals}f}"

    def show_change(self, change: float) -> str:
        unit = " pp" if self.percent else ""
        if round(change * (100 if self.percent else 1), self.decimals) == 0:
            return "no change"
        return f"{self.show(change) if change < 0 else '+' + self.show(change)}{unit}"


KEY_FIGURES = (
    Kpi("served_share", "Served share (%)", percent=True, within_gap=True),
    Kpi("served_weight", "Served weight (priority points)", decimals=0, within_gap=True),
    Kpi("urgent_served_share", "Urgent served share (%)", percent=True, within_gap=True),
    Kpi("walk_per_assignment", "Walk per assignment (min)"),
    Kpi("workload_gini", "Workload Gini (0 = even)", decimals=2),
)
GAP = Kpi("gap", "Solver gap (%)", percent=True, decimals=2)
NOISE = "within solver gap — may be noise"

REASON_COLOURS = {
    Reason.NO_SKILLED_VOLUNTEER: "#8250df",
    Reason.NONE_WITHIN_REACH: "#cf222e",
    Reason.NONE_AVAILABLE: "#bc4c00",
    Reason.NO_LANGUAGE_SPEAKER: "#0969da",
    Reason.CREW_TOO_SMALL: "#1a7f37",
    Reason.CAPACITY_TAKEN: "#6e7781",
}
"""One colour per reason, the same in the stacked bars and on the maps."""


def _baseline(table: pd.DataFrame) -> pd.Series:
    """The row every change is measured against: "baseline", else the first (as `compare`)."""
    names = table["scenario"].str.lower()
    return table[names == "baseline"].iloc[0] if (names == "baseline").any() else table.iloc[0]


def variant_label(row: pd.Series) -> str:
    """A run's name as a reader says it: "reach sweep: max walk 10 minutes" for a sweep value
    (the table's `variant` stays the stable id, `reach sweep [max_walk_minutes=10]`)."""
    field, value = row.get("sweep_field"), row.get("sweep_value")
    if isinstance(field, str) and field in SWEPT_FIELDS and pd.notna(value):
        what, unit = SWEPT_FIELDS[field]
        return f"{row['scenario']}: {what} {float(value):g} {unit}"
    return str(row["variant"])


def within_gap(value: float, base: float, gap: float, base_gap: float) -> bool:
    """True when `value` differs from `base` by less than the larger of the two runs' gaps
    (relative to the baseline value): a longer run of either could close the difference."""
    if value == base:
        return False
    return abs(value - base) < max(gap, base_gap) * max(abs(base), 1e-12)


# --- charts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zoom:
    """The value axis of a chart: where it starts and ends, and a note when it is not 0."""

    low: float
    high: float
    note: str


def zoom(values: list[float], *, unit: str, ceiling: float | None = None) -> Zoom:
    """An axis range around the data with a margin of a sixth of its spread. It starts at 0
    unless the values lie close together far from 0 (shares near 100%): then it starts just
    below the smallest, and the note says so."""
    low, high = min(values), max(values)
    spread = high - low
    margin = spread / 6 if spread > 0 else max(abs(high) * 0.02, 0.5)
    top = high + margin
    if ceiling is not None and high <= ceiling:
        top = min(top, ceiling + margin / 4)
    if low <= 0 or spread > 0.5 * high:
        return Zoom(min(0.0, low - margin), top, "")
    start = max(0.0, low - margin)
    nice = 10 ** math.floor(math.log10(margin)) if margin > 0 else 1
    start = math.floor(start / nice) * nice
    return Zoom(start, top, f"axis starts at {start:g}{unit}, not 0: it shows the differences")


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def _bar(table: pd.DataFrame, kpi: Kpi, title: str, path: Path) -> Path:
    """Horizontal bars, one per variant, on a zoomed axis; the baseline grey with a dashed
    line across, variants within the solver gap of it hatched."""
    scale = 100 if kpi.percent else 1
    values = (table[kpi.column] * scale).tolist()
    unit = "%" if kpi.percent else ""
    axis = zoom(values, unit=unit, ceiling=100 if kpi.percent else None)
    base = _baseline(table)
    with figure(8.5, 0.42 * len(table) + 1.6) as (fig, ax):
        for i, (_, row) in enumerate(table.iterrows()):
            is_base = row["variant"] == base["variant"]
            noisy = kpi.within_gap and within_gap(row[kpi.column], base[kpi.column],
                                                  row["gap"], base["gap"])  # fmt: skip
            ax.barh(i, values[i] - axis.low, left=axis.low, height=0.7,
                    color="#afb8c1" if is_base else "#9ec5f8" if noisy else "#3b7dd8",
                    hatch="//" if noisy else None, edgecolor="white")  # fmt: skip
            ax.text(values[i], i, f" {kpi.show(row[kpi.column])}{unit}", va="center", fontsize=8)
        ax.axvline(base[kpi.column] * scale, color="#57606a", linestyle="--", linewidth=1)
        ax.set_yticks(range(len(table)), table["chart_label"].tolist())
        ax.invert_yaxis()
        ax.set_xlim(axis.low, axis.high + (axis.high - axis.low) * 0.08)  # room for labels
        ax.set_xlabel(kpi.label + (f" — {axis.note}" if axis.note else ""))
        ax.set_title(title)
        handles = [Patch(color="#afb8c1", label="baseline (dashed line)"),
                   Patch(color="#3b7dd8", label="scenario")]  # fmt: skip
        if kpi.within_gap:
            handles.append(Patch(facecolor="#9ec5f8", hatch="//", edgecolor="white",
                                 label=f"difference {NOISE}"))  # fmt: skip
        ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                  ncol=3, frameon=False)  # fmt: skip
        return _save(fig, path)


def _stacked(table: pd.DataFrame, path: Path) -> Path:
    with figure(8.5, 0.42 * len(table) + 1.8) as (fig, ax):
        left = pd.Series(0.0, index=table.index)
        for reason in Reason:
            column = f"unassigned_{reason.value}"
            if column not in table or not table[column].any():
                continue
            ax.barh(range(len(table)), table[column], left=left, color=REASON_COLOURS[reason],
                    label=reason.value.replace("_", " "))  # fmt: skip
            left += table[column]
        ax.set_yticks(range(len(table)), table["chart_label"].tolist())
        ax.invert_yaxis()
        ax.set_xlabel("Unassigned requests (count)")
        ax.set_title("Unassigned requests by reason")
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3,
                  frameon=False)  # fmt: skip
        return _save(fig, path)


def _sweeps(table: pd.DataFrame, out: Path) -> list[Path]:
    """One line chart per swept scenario: served shares against the swept field, labelled
    with its unit, a tick at each value swept."""
    paths = []
    swept = table[table["sweep_value"].notna()]
    for name, group in swept.groupby("scenario", sort=False):
        group = group.sort_values("sweep_value")
        field = str(group["sweep_field"].iloc[0]) if "sweep_field" in group else ""
        what, unit = SWEPT_FIELDS.get(field, ("value swept", ""))
        xs = group["sweep_value"].astype(float).tolist()
        shares = [*(group["served_share"] * 100), *(group["urgent_served_share"] * 100)]
        axis = zoom(shares, unit="%", ceiling=100)
        with figure(7.5, 4.2) as (fig, ax):
            ax.plot(xs, group["served_share"] * 100, marker="o", label="all requests")
            ax.plot(xs, group["urgent_served_share"] * 100, marker="s", label="urgent requests")
            ax.xaxis.set_major_locator(FixedLocator(xs))  # whole minutes: the values swept
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
            ax.set_xlabel(f"{what} ({unit})" if unit else what)
            ax.set_ylim(axis.low, axis.high)
            ax.set_ylabel("Served share (%)" + (f"\n{axis.note}" if axis.note else ""))
            ax.set_title(readable(str(name)))
            ax.grid(alpha=0.3)
            ax.legend()
            paths.append(_save(fig, out / f"sweep-{str(name).replace(' ', '_')}.png"))
    return paths


def _unserved_maps(table: pd.DataFrame, unserved: pd.DataFrame, path: Path) -> Path | None:
    """Small multiples: each variant's unserved requests on the same frame, coloured by
    reason, urgent ones larger; the compounds underneath for orientation."""
    if unserved.empty:
        return None
    points = list(zip(unserved["lat"], unserved["lon"], strict=True))
    variants, labels = table["variant"].tolist(), table["chart_label"].tolist()
    cols = min(3, len(variants))
    rows = math.ceil(len(variants) / cols)
    size = (4.1 * cols, 4.3 * rows + 0.5)
    with figure(*size, nrows=rows, ncols=cols, squeeze=False, layout="constrained") as (fig, axes):
        for k, ax in enumerate(axes.flat):
            if k >= len(variants):
                ax.set_visible(False)
                continue
            _unserved_panel(ax, labels[k], unserved[unserved["variant"] == variants[k]], points)
        handles = [Line2D([], [], marker="o", linestyle="none", color=colour,
                          label=reason.value.replace("_", " "))
                   for reason, colour in REASON_COLOURS.items()]  # fmt: skip
        urgent = Line2D([], [], marker="o", linestyle="none", color="#57606a", markersize=9,
                        markeredgecolor="black", label="urgent (priority 5)")  # fmt: skip
        handles.append(urgent)
        fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8, frameon=False)
        return _save(fig, path)


def _unserved_panel(
    ax: Axes, label: str, mine: pd.DataFrame, frame_points: list[tuple[float, float]]
) -> None:
    m = MapFrame(ax, frame_points)
    m.places(label_size=6)
    for reason, colour in REASON_COLOURS.items():
        these = mine[mine["reason"] == reason.value]
        for urgent in (False, True):
            group = these[(these["priority"] == 5) == urgent]
            xs, ys = m.xy(list(zip(group["lat"], group["lon"], strict=True)))
            ax.scatter(xs, ys, s=42 if urgent else 14, color=colour, alpha=0.85, zorder=3,
                       edgecolor="black" if urgent else "none", linewidth=0.6)  # fmt: skip
    m.decorate(outside=False)
    ax.set_title(f"{label}\n{len(mine)} unserved", fontsize=9)


# --- the page ----------------------------------------------------------------------------

_STYLE = (
    "body{font-family:" + ", ".join([*(f'"{n}"' for n in CJK_FONTS), "sans-serif"]) + ";"
    "margin:0 auto;max-width:1200px;padding:16px 24px;color:#1f2328;line-height:1.45;"
    "box-sizing:border-box}h2{margin-top:1.6em;border-top:3px solid #1f4e9c;padding-top:.5em}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}"
    "th,td{border-bottom:1px solid #d0d7de;padding:5px 8px;vertical-align:top;"
    "overflow-wrap:anywhere}th{background:#f3f5f8;text-align:left;font-weight:600;"
    "overflow-wrap:normal}"
    "td.num{text-align:right;white-space:nowrap}td.num small{white-space:normal}"
    "small{display:block;color:#57606a}.noise{color:#9a6700;font-weight:600}"
    ".lead{color:#57606a}img{max-width:100%;height:auto;display:block;margin:.5em 0}"
    "ul{margin:.2em 0;padding-left:1.2em}td:first-child{min-width:9em}"
)


def _kpi_cell(kpi: Kpi, row: pd.Series, base: pd.Series, is_base: bool) -> str:
    value = kpi.show(row[kpi.column])
    if is_base:
        return f"<td class='num'>{value}<small>baseline</small></td>"
    change = row[kpi.column] - base[kpi.column]
    note = ""
    if kpi.within_gap and within_gap(row[kpi.column], base[kpi.column], row["gap"], base["gap"]):
        note = f"<small class='noise'>{NOISE}</small>"
    return f"<td class='num'>{value}<small>{kpi.show_change(change)}</small>{note}</td>"


def _key_figures(table: pd.DataFrame) -> str:
    base = _baseline(table)
    head = "".join(f"<th>{html.escape(k.label)}</th>" for k in (GAP, *KEY_FIGURES))
    rows = []
    for _, row in table.iterrows():
        is_base = row["variant"] == base["variant"]
        cells = "".join(_kpi_cell(k, row, base, is_base) for k in KEY_FIGURES)
        rows.append(f"<tr><td>{html.escape(row['label'])}</td>"
                    f"<td class='num'>{GAP.show(row['gap'])}</td>{cells}</tr>")  # fmt: skip
    return (
        f"<table><thead><tr><th>Scenario</th>{head}</tr></thead><tbody>{''.join(rows)}"
        "</tbody></table>"
    )


def _scenarios(table: pd.DataFrame) -> str:
    """What each scenario is: its description, the changes to its base, settings, sweep."""
    if "description" not in table:
        return ""
    rows = []
    for _, row in table.drop_duplicates("scenario").iterrows():
        changes = [c for c in str(row.get("changes") or "").split("; ") if c]
        if row.get("sweep"):
            changes.append(f"sweep {row['sweep']}")
        listed = "".join(f"<li>{html.escape(c)}</li>" for c in changes) or "<li>none</li>"
        rows.append(
            f"<tr><td>{html.escape(str(row['scenario']))}</td>"
            f"<td>{html.escape(str(row.get('description') or ''))}</td><td><ul>{listed}</ul></td>"
            f"<td>{html.escape(str(row.get('settings') or '–'))}"
            f"<small>{html.escape(str(row.get('base') or ''))}</small></td></tr>"
        )
    return (
        "<h2>Scenarios</h2><table><thead><tr><th>Scenario</th><th>What it asks</th>"
        "<th>Changes to the base</th><th>Settings and base</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _count_table(table: pd.DataFrame) -> str:
    columns = [f"unassigned_{r.value}" for r in Reason if f"unassigned_{r.value}" in table]
    head = "".join(f"<th>{html.escape(c.split('_', 1)[1].replace('_', ' '))}</th>"
                   for c in columns)  # fmt: skip
    rows = "".join(
        f"<tr><td>{html.escape(row['label'])}</td>"
        + "".join(f"<td class='num'>{int(row[c])}</td>" for c in columns)
        + "</tr>"
        for _, row in table.iterrows()
    )
    return (
        "<h2>Unassigned requests by reason (count)</h2><table><thead><tr><th>Scenario</th>"
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _utilisation_table(table: pd.DataFrame) -> str:
    names = {t.code: f"{t.code} {t.name_zh}" for t in QINXIAN_TEAMS}
    columns = [c for c in table.columns if c.startswith("utilisation_")
               and not c.endswith("_change")]  # fmt: skip
    head = "".join(f"<th>{html.escape(names.get(c[12:], c[12:]))}</th>" for c in columns)
    rows = "".join(
        f"<tr><td>{html.escape(row['label'])}</td>"
        + "".join(f"<td class='num'>{row[c] * 100:.0f}</td>" for c in columns)
        + "</tr>"
        for _, row in table.iterrows()
    )
    return (
        "<h2>Team utilisation (% of available service minutes used)</h2><table><thead><tr>"
        f"<th>Scenario</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>"


def write_report(table: pd.DataFrame, out: Path, unserved: pd.DataFrame | None = None) -> Path:
    """PNG charts and `report.html` (tables, charts and maps inline) into `out`. The maps of
    unserved requests need their places: `unserved`, else `table.attrs["unserved"]` as
    `run_scenarios` leaves it; without either the maps are left out."""
    out.mkdir(parents=True, exist_ok=True)
    table = table.reset_index(drop=True)
    table["label"] = [variant_label(row) for _, row in table.iterrows()]
    # Charts draw only what their fonts can (no boxes, no warnings); the page shows it all.
    table["chart_label"] = [readable(label) for label in table["label"]]
    if unserved is None:
        found = table.attrs.get("unserved")
        unserved = found if isinstance(found, pd.DataFrame) else None
    by_kpi = {k.column: k for k in KEY_FIGURES}
    charts = [
        ("Requests served", _bar(table, by_kpi["served_share"], "Requests served",
                                 out / "served_share.png")),
        ("Urgent requests served", _bar(table, by_kpi["urgent_served_share"],
                                        "Urgent requests served", out / "urgent.png")),
        ("Walk per assignment", _bar(table, by_kpi["walk_per_assignment"],
                                     "Walk from home per assignment", out / "walk.png")),
        ("Unassigned requests by reason", _stacked(table, out / "unassigned.png")),
        *((f"Sweep: {p.stem[6:].replace('_', ' ')}", p) for p in _sweeps(table, out)),
    ]  # fmt: skip
    images = "".join(f"<h3>{html.escape(title)}</h3>{_img(p, title)}" for title, p in charts)
    maps = ""
    if unserved is not None:
        path = _unserved_maps(table, unserved, out / "unserved_map.png")
        if path is not None:
            maps = (
                "<h2>Where requests go unserved</h2><p class='lead'>Every unserved request of "
                "each scenario on the same map, coloured by reason; urgent ones are larger "
                f"with a black ring.</p>{_img(path, 'unserved requests per scenario')}"
            )
    base = _baseline(table)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>matcher scenarios</title><style>{_STYLE}</style></head><body>"
        "<h1>Scenario comparison</h1>"
        f"<p class='lead'>{_count(len(table), 'run')} of "
        f"{_count(table['scenario'].nunique(), 'scenario')}, "
        f"compared with <b>{html.escape(base['label'])}</b>. Under each figure: the "
        "change against it (pp = percentage points). The solver gap is how far a run's "
        "served weight may be below the best possible schedule; a served figure that differs "
        f"from the baseline by less than the gap is marked <span class='noise'>{NOISE}</span>: "
        "a longer run could close it.</p>"
        "<h2>Key figures</h2>"
        + _key_figures(table)
        + _scenarios(table)
        + _count_table(table)
        + _utilisation_table(table)
        + maps
        + f"<h2>Charts</h2>{images}</body></html>"
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
