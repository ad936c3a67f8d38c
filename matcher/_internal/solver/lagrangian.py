"""A bound for instances too large for the full relaxation: Lagrangian, evaluated on every pair.

Relaxing each request's crew equation (sum_v y_rv = crew_r x_r) with a multiplier pi_r splits
the problem: each request alone contributes max(0, w_r - crew_r pi_r), and each volunteer and
day alone the best fractional knapsack of prizes pi_r over its candidate pairs within its
available minutes. That sum bounds every valid schedule from above for ANY multipliers, so
multipliers from a relaxation solved over only some of the pairs are safe: the bound itself
is evaluated on all pairs.
"""

from __future__ import annotations

import numpy as np

from matcher._internal.solver.candidates import Candidates
from matcher._internal.solver.instance import MINUTES_PER_DAY, Instance


def lagrangian_bound(
    inst: Instance, cands: Candidates, prices: np.ndarray, requests: np.ndarray
) -> float:
    """The Lagrangian bound on the weight servable among boolean mask `requests`."""
    crew = inst.r_crew.astype(float)
    own = np.maximum(0.0, inst.r_weight - crew * prices)[requests].sum()
    pair_r = cands.pair_request
    keep = requests[pair_r] & (prices[pair_r] > 0)
    pr, pv = pair_r[keep], cands.vol[keep]
    prize, minutes = prices[pr], inst.r_duration[pr].astype(float)
    day = inst.r_earliest[pr] // MINUTES_PER_DAY
    one_day = day == inst.r_latest[pr] // MINUTES_PER_DAY
    # A pair whose start may fall on either of two days is left uncapped: still a relaxation.
    total = float(own) + float(prize[~one_day].sum())
    pr, pv, prize, minutes, day = pr[one_day], pv[one_day], prize[one_day], minutes[one_day], \
        day[one_day]  # fmt: skip
    if len(pr) == 0:
        return total
    key = pv * 100_000 + day
    groups, group = np.unique(key, return_inverse=True)
    capacity = np.minimum(
        inst.v_max_minutes[groups // 100_000].astype(float),
        inst.available_minutes(groups // 100_000, groups % 100_000),
    )
    order = np.lexsort((-prize / minutes, group))
    g, p, m = group[order], prize[order], minutes[order]
    used = np.cumsum(m)
    first = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    before = np.repeat(used[first] - m[first], np.diff(np.r_[first, len(g)]))
    filled = used - before  # minutes used in the group up to and including this item
    cap = capacity[g]
    whole = filled <= cap
    partial = ~whole & (filled - m < cap)
    total += float(p[whole].sum())
    total += float(
        (p[partial] * (cap[partial] - (filled[partial] - m[partial])) / m[partial]).sum()
    )
    return total
