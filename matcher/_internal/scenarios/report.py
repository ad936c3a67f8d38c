"""Charts (PNG, matplotlib) and one self-contained HTML report of a scenario comparison."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt
import pandas as pd


def _bar(table: pd.DataFrame, column: str, title: str, path: Path, percent: bool) -> Path:
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.5))
    values = table[column] * (100 if percent else 1)
    ax.barh(table["variant"], values, color="#3b7dd8")
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("%" if percent else column.replace("_", " "))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _stacked(table: pd.DataFrame, columns: list[str], title: str, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.5))
    left = pd.Series(0.0, index=table.index)
    for column in columns:
        ax.barh(table["variant"], table[column], left=left,
                label=column.split("_", 1)[1].replace("_", " "))  # fmt: skip
        left += table[column]
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _sweeps(table: pd.DataFrame, out: Path) -> list[Path]:
    paths = []
    swept = table[table["sweep_value"].notna()]
    for name, group in swept.groupby("scenario"):
        group = group.sort_values("sweep_value")
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(group["sweep_value"], group["served_share"] * 100, marker="o", label="all")
        ax.plot(group["sweep_value"], group["urgent_served_share"] * 100, marker="s",
                label="urgent")  # fmt: skip
        ax.set_xlabel("value swept")
        ax.set_ylabel("requests served, %")
        ax.set_title(str(name))
        ax.legend()
        fig.tight_layout()
        path = out / f"sweep-{str(name).replace(' ', '_')}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def write_report(table: pd.DataFrame, out: Path) -> Path:
    """PNG charts and `report.html` (tables and charts inline) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    charts = [
        _bar(table, "served_share", "Requests served", out / "served_share.png", True),
        _bar(table, "urgent_served_share", "Urgent requests served", out / "urgent.png", True),
        _bar(table, "walk_per_assignment", "Walk per assignment (min)", out / "walk.png", False),
        _stacked(
            table,
            [c for c in table.columns if c.startswith("unassigned_") and not c.endswith("_change")],
            "Unassigned requests by reason",
            out / "unassigned.png",
        ),
        *_sweeps(table, out),
    ]
    shown = ["variant", "served_share", "served_weight", "urgent_served_share", "gap",
             "walk_per_assignment", "workload_gini", "served_share_change",
             "served_weight_change"]  # fmt: skip
    images = "".join(
        f"<h3>{html.escape(p.stem.replace('_', ' '))}</h3><img alt='{html.escape(p.stem)}' "
        f"src='data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}'>"
        for p in charts
    )
    utilisation = [c for c in table.columns if c.startswith("utilisation_")
                   and not c.endswith("_change")]  # fmt: skip
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>matcher scenarios</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}</style></head><body>"
        "<h1>Scenario comparison</h1><h2>Key figures</h2>"
        + table[shown].to_html(index=False, float_format=lambda x: f"{x:.3f}")
        + "<h2>Team utilisation</h2>"
        + table[["variant", *utilisation]].to_html(index=False, float_format=lambda x: f"{x:.2f}")
        + f"<h2>Charts</h2>{images}</body></html>"
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
