"""Turn benchmark JSON files into the Markdown tables of RESULTS.md.

.venv/bin/python -m benchmarks.report benchmarks/results/targets-*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def table(summary: list[dict[str, Any]]) -> str:
    head = (
        "| instance | strategy | runs | served weight | bound | gap | vs greedy | bound / greedy"
        " | walk min | first schedule s | total s | peak MB | violations |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in summary:
        ratio = f"{r['vs_greedy']:.4f}" if r.get("vs_greedy") else "–"
        bound_ratio = f"{r['bound_vs_greedy']:.4f}" if r.get("bound_vs_greedy") else "–"
        lines.append(
            f"| {r['instance']} | {r['strategy']} | {r['runs']} | {r['served_weight']:.0f} | "
            f"{r['upper_bound']:.0f} | {r['gap']:.2%} | {ratio} | {bound_ratio} | "
            f"{r['walk_minutes']:.0f} | {r['first_schedule_seconds']:.1f} | "
            f"{r['solve_seconds']:.1f} | {r['peak_memory_mb']:.0f} | {r['violations']} |"
        )
    return head + "\n".join(lines) + "\n"


def main() -> None:
    for name in sys.argv[1:]:
        payload = json.loads(Path(name).read_text())
        print(f"### {payload['suite']} ({payload['when']}, {Path(name).name})\n")
        print(table(payload["summary"]))


if __name__ == "__main__":
    main()
