"""The scenario report reads like an analyst's brief: units in every header, shares as
percentages, axes zoomed where scenarios differ, noise marked against the solver gap, what
each scenario is, and where requests go unserved."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scenario_tables import comparison_table

from matcher._internal.io.outputs.maps import cjk_fonts
from matcher._internal.scenarios import comparison_report as report
from matcher._internal.scenarios.comparison_report import (
    NOISE,
    variant_label,
    within_gap,
    write_report,
    zoom,
)
from matcher._internal.scenarios.run import run_scenarios, write_comparison


def test_shares_near_100_percent_get_a_zoomed_axis_that_says_so() -> None:
    axis = zoom([97.0, 97.2, 89.0], unit="%", ceiling=100)
    assert 80 < axis.low < 89.0 and 97.2 < axis.high <= 100.5
    assert "not 0" in axis.note and f"{axis.low:g}%" in axis.note


def test_values_spread_from_near_zero_keep_a_zero_based_axis() -> None:
    axis = zoom([2.9, 6.3, 4.1], unit="")
    assert axis.low == 0 and axis.high > 6.3 and axis.note == ""


def test_a_difference_is_noise_only_when_smaller_than_the_larger_gap() -> None:
    assert within_gap(0.972, 0.970, gap=0.008, base_gap=0.010)  # 0.2% < 1%
    assert not within_gap(0.890, 0.970, gap=0.004, base_gap=0.010)  # 8.2% > 1%
    assert not within_gap(0.970, 0.970, gap=0.0, base_gap=0.01)  # no difference at all
    assert not within_gap(0.972, 0.970, gap=0.0, base_gap=0.0)  # proven optimal both ways


def _cells(page: str, variant: str) -> str:
    """The key-figures row of one variant (the report's first table)."""
    first = page.split("<h2>Key figures</h2>", 1)[1].split("</table>", 1)[0]
    return next(row for row in first.split("<tr>") if row.startswith(f"<td>{variant}</td>"))


def test_key_figures_have_units_percentages_and_noise_notes(tmp_path: Path) -> None:
    page = write_report(comparison_table(), tmp_path).read_text(encoding="utf-8")
    for header in ("Served share (%)", "Urgent served share (%)", "Solver gap (%)",
                   "Walk per assignment (min)", "Served weight (priority points)"):  # fmt: skip
        assert f"<th>{header}</th>" in page
    assert "served_share" not in page and "0.970" not in page  # no raw names or fractions
    recruited = _cells(page, "recruitment drive")
    assert ">97.2<" in recruited and "+0.2 pp" in recruited and NOISE in recruited
    storm = _cells(page, "winter storm")
    assert ">89.0<" in storm and "-8.0 pp" in storm and NOISE not in storm
    assert "<td class='num'>1.00</td>" in _cells(page, "baseline")  # its gap, in %


def test_each_scenario_is_described_with_its_changes_and_settings(tmp_path: Path) -> None:
    page = write_report(comparison_table(), tmp_path).read_text(encoding="utf-8")
    scenarios = page.split("<h2>Scenarios</h2>", 1)[1].split("</table>", 1)[0]
    assert "Icy paths: walking reach cut to 10 minutes." in scenarios
    assert "<li>set max walk to 10 minutes</li><li>scale requests ×3 (team patrol)</li>" in (
        scenarios
    )
    assert "sweep max walk (minutes): 5, 10, 15" in scenarios
    assert scenarios.count("time_limit_s = 30") == 4  # once per scenario, not per sweep value
    assert "walking sweep: max walk 10 minutes" in page  # sweep values read as words


def _capture_figures(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Record each chart's first axes as `_save` writes it."""
    seen: dict[str, Any] = {}
    original = report._save

    def save(fig: Any, path: Path) -> Path:
        seen[path.name] = fig.axes[0]
        return original(fig, path)

    monkeypatch.setattr(report, "_save", save)
    return seen


def test_bar_chart_axes_zoom_and_label_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _capture_figures(monkeypatch)
    write_report(comparison_table(), tmp_path)
    served = seen["served_share.png"]
    low, high = served.get_xlim()
    assert 70 < low < 80 and 97.2 < high < 103  # 80% .. 97.2% shown, not 0 .. 100
    assert served.get_xlabel().startswith("Served share (%)") and "not 0" in served.get_xlabel()
    labels = [t.get_text() for t in served.get_yticklabels()]
    assert "walking sweep: max walk 5 minutes" in labels
    bar_ends = sorted(round(p.get_x() + p.get_width(), 1) for p in served.patches[:6])
    assert bar_ends == [80.0, 89.0, 93.0, 97.0, 97.0, 97.2]  # bars end at the values, in %
    walk = seen["walk.png"]
    assert walk.get_xlim()[0] < 4.0 and walk.get_xlabel().startswith("Walk per assignment (min)")


def test_a_chinese_scenario_name_is_charted_without_a_missing_glyph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment names its scenarios in Chinese. With a CJK font the charts show the name;
    without one they show what the fonts can draw of it (no boxes, no warnings); the page
    itself, read in a browser, always shows the whole name."""
    table = comparison_table()
    renamed = {"winter storm": "冬季 winter storm"}
    table["scenario"] = table["scenario"].replace(renamed)
    table["variant"] = table["variant"].replace(renamed)
    table.attrs["unserved"]["variant"] = table.attrs["unserved"]["variant"].replace(renamed)
    seen = _capture_figures(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = write_report(table, tmp_path).read_text(encoding="utf-8")
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]
    shown = "冬季 winter storm" if cjk_fonts() else "winter storm"
    assert shown in [t.get_text() for t in seen["served_share.png"].get_yticklabels()]
    assert shown in [t.get_text() for t in seen["unassigned.png"].get_yticklabels()]
    assert "<td>冬季 winter storm</td>" in page


def test_sweep_chart_is_labelled_by_the_swept_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _capture_figures(monkeypatch)
    write_report(comparison_table(), tmp_path)
    sweep = seen["sweep-walking_sweep.png"]
    assert sweep.get_xlabel() == "max walk (minutes)"
    assert list(sweep.get_xticks()) == [5, 10, 15]  # whole minutes, one tick per value swept
    assert sweep.get_ylabel().startswith("Served share (%)")
    assert max(sweep.get_lines()[0].get_ydata()) == pytest.approx(97.0)


def test_unserved_requests_are_mapped_per_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _capture_figures(monkeypatch)
    page = write_report(comparison_table(), tmp_path).read_text(encoding="utf-8")
    assert "Where requests go unserved" in page and (tmp_path / "unserved_map.png").exists()
    first = seen["unserved_map.png"]
    assert first.get_title() == "baseline\n8 unserved"
    assert len(first.figure.axes) >= 6  # one panel per variant
    without = comparison_table()
    without.attrs.clear()
    page = write_report(without, tmp_path / "plain").read_text(encoding="utf-8")
    assert "Where requests go unserved" not in page  # a table read back from CSV: no places


def _tiny(tmp_path: Path, name: str, extra: str = "") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\ndescription = "{name} day"\n[base.generate]\nvolunteers = 60\n'
        f"requests = 90\nseed = 5\n{extra}"
    )
    return path


def test_a_run_carries_descriptions_and_unserved_places(tmp_path: Path) -> None:
    near = '[[change]]\ntype = "set_volunteers"\nfield = "max_walk_minutes"\nvalue = 4\n'
    files = [_tiny(tmp_path, "baseline"), _tiny(tmp_path, "near", near)]
    table = run_scenarios(files, strategy="greedy", workers=1)
    near_row = table.set_index("scenario").loc["near"]
    assert near_row["description"] == "near day"
    assert near_row["changes"] == "set max walk to 4 minutes"
    unserved = table.attrs["unserved"]
    counts = unserved.groupby("variant").size()
    assert counts["near"] == table.set_index("variant").loc["near", "requests"] - near_row["served"]
    assert unserved["lat"].between(37.8, 37.95).all()
    assert set(unserved["reason"]) <= {r.value for r in report.Reason}
    write_comparison(table, tmp_path / "out")
    stored = pd.read_csv(tmp_path / "out" / "unserved.csv")
    assert len(stored) == len(unserved) and list(stored.columns) == list(unserved.columns)
    assert variant_label(table.iloc[0]) == "baseline"
    assert re.search(r"near", (write_report(table, tmp_path / "out")).read_text())
