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

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance


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
    key, one_day = inst.volunteer_days(pr, pv)
    # A pair whose start may fall on either of two days is left uncapped: still a relaxation.
    total = float(own) + float(prize[~one_day].sum())
    prize, minutes, key = prize[one_day], minutes[one_day], key[one_day]
    if len(key) == 0:
        return total
    groups, group = np.unique(key, return_inverse=True)
    capacity = inst.day_capacity(groups)
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
