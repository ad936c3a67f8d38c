"""A hand-made scenario comparison, as `run_scenarios` returns it, for report tests that
should not spend seconds solving."""

from __future__ import annotations

import pandas as pd

from matcher._internal.model import QINXIAN_TEAMS, Reason
from matcher._internal.model.places import QINXIAN_COMPOUNDS
from matcher._internal.scenarios.run import UNSERVED_COLUMNS, compare


def _row(
    scenario: str, variant: str, share: float, weight: int, gap: float, **extra: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "scenario": scenario,
        "variant": variant,
        "sweep_value": None,
        "volunteers": 2000,
        "requests": 1500,
        "served": round(share * 1500),
        "served_share": share,
        "served_weight": weight,
        "served_weight_share": share,
        "urgent": 40,
        "urgent_served_share": min(1.0, share + 0.01),
        "urgent_served_weight": 600,
        "upper_bound": round(weight / (1 - gap)),
        "gap": gap,
        "walk_per_assignment": 6.2,
        "workload_gini": 0.41,
    }
    for reason in Reason:
        row[f"unassigned_{reason.value}"] = 3
    for team in QINXIAN_TEAMS:
        row[f"utilisation_{team.code}"] = 0.5
    row.update(extra)
    return row


def comparison_table() -> pd.DataFrame:
    """Baseline at 97.0% served (gap 1%); a recruitment drive 0.2 pp better (within the gap:
    noise); a storm 8 pp worse (a real effect); a walking sweep over 5, 10 and 15 minutes.
    `attrs["unserved"]` puts unserved requests in the compounds."""
    rows = [
        _row("baseline", "baseline", 0.970, 4000, 0.010),
        _row("recruitment drive", "recruitment drive", 0.972, 4010, 0.008),
        _row("winter storm", "winter storm", 0.890, 3500, 0.004, walk_per_assignment=4.0),
        *(
            _row("walking sweep", f"walking sweep [max_walk_minutes={m}]", share, weight, 0.002,
                 sweep_value=m)
            for m, share, weight in ((5, 0.80, 3000), (10, 0.93, 3800), (15, 0.97, 4000))
        ),
    ]  # fmt: skip
    table = compare(pd.DataFrame(rows))
    reasons = [list(Reason)[k % len(Reason)].value for k in range(len(QINXIAN_COMPOUNDS))]
    words = {
        "baseline": ("An ordinary Qinxian day.", "", ""),
        "recruitment drive": ("200 new volunteers.", "add 100 volunteers like existing ones "
                              "(team repair)", ""),
        "winter storm": ("Icy paths: walking reach cut to 10 minutes.",
                         "set max walk to 10 minutes; scale requests ×3 (team patrol)", ""),
        "walking sweep": ("Walking reach from 5 to 15 minutes.", "",
                          "max walk (minutes): 5, 10, 15"),
    }  # fmt: skip
    table["description"] = [words[s][0] for s in table["scenario"]]
    table["base"] = "generated: 2000 volunteers, 1500 requests, 1 day from 2026-12-01, seed 1"
    table["settings"] = "time_limit_s = 30"
    table["changes"] = [words[s][1] for s in table["scenario"]]
    table["sweep"] = [words[s][2] for s in table["scenario"]]
    table["sweep_field"] = ["max_walk_minutes" if s == "walking sweep" else ""
                            for s in table["scenario"]]  # fmt: skip
    spots = [
        (scenario, variant, f"R{k:05d}", c.lat, c.lon, 5 if k % 3 == 0 else 3, reasons[k])
        for scenario, variant in zip(table["scenario"], table["variant"], strict=True)
        for k, c in enumerate(QINXIAN_COMPOUNDS)
    ]
    table.attrs["unserved"] = pd.DataFrame(spots, columns=UNSERVED_COLUMNS)
    return table
