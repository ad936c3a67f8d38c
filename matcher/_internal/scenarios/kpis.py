"""The numbers an analyst compares across scenarios, from a problem and its solution."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from matcher._internal.model import Problem, Reason, Solution


def gini(values: list[float]) -> float:
    """0 when everyone carries the same load, towards 1 when a few carry it all."""
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) == 0 or x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def kpis(problem: Problem, solution: Solution) -> dict[str, Any]:
    weight = {r.request_id: problem.settings.request_weight(r) for r in problem.requests}
    urgent = {r.request_id for r in problem.requests if r.priority == 5}
    served = solution.served_request_ids()
    s = solution.summary
    minutes: defaultdict[str, float] = defaultdict(float)
    for a in solution.assignments:
        minutes[a.volunteer_id] += (a.end - a.start).total_seconds() / 60
    row: dict[str, Any] = {
        "volunteers": len(problem.volunteers),
        "requests": len(problem.requests),
        "served": len(served),
        "served_share": len(served) / max(1, len(problem.requests)),
        "served_weight": s.served_weight,
        "served_weight_share": s.served_weight / max(1, sum(weight.values())),
        "urgent": len(urgent),
        "urgent_served_share": len(served & urgent) / max(1, len(urgent)),
        "urgent_served_weight": sum(weight[r] for r in served & urgent),
        "upper_bound": s.upper_bound,
        "gap": s.gap,
        "walk_per_assignment": s.walk_minutes / max(1, s.assignments),
        "workload_gini": gini(
            [minutes.get(v.volunteer_id, 0.0) for v in problem.volunteers if v.availability]
        ),
    }
    reasons: defaultdict[str, int] = defaultdict(int)
    for u in solution.unassigned:
        reasons[u.reason.value] += 1
    for reason in Reason:
        row[f"unassigned_{reason.value}"] = reasons[reason.value]
    for team in problem.teams:
        capacity = sum(
            min(v.max_minutes_per_day * len({i.start.date() for i in v.availability}),
                sum(i.minutes for i in v.availability))
            for v in problem.volunteers if v.team == team.code
        )  # fmt: skip
        used = sum(minutes[v.volunteer_id] for v in problem.volunteers if v.team == team.code)
        row[f"utilisation_{team.code}"] = used / capacity if capacity else 0.0
    return row
