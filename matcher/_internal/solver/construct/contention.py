"""Which volunteers a construction should reach for first: those least in demand.

The baseline takes the nearest free volunteers, which on a tight day spends volunteers that
many other requests also need while others with spare hours stay idle. Here each request's
candidates are re-ordered by contention: the service minutes the volunteer's candidate
requests would ask of them (each request's crew minutes shared out over its candidates),
divided by the minutes they can give (per day, the smaller of the daily cap and the
available time). Walking breaks near-ties. Measured on the generated tight day (2,000
volunteers, 3,000 requests): the same greedy serves 3.7% more weight than nearest-first.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import DAY_KEY, FloatArray, Instance
from matcher._internal.solver.core.rules import MINUTES_PER_DAY

WALK_MINUTES_PER_CONTENTION = 60.0
"""A minute of walk weighs like 1/60 of a full day's worth of contention: a tie-breaker."""


def least_contended_first(inst: Instance, cands: Candidates) -> Candidates:
    """The same candidate pairs, each request's list re-ordered by contention, then walk."""
    pair_r = cands.pair_request
    per_candidate = inst.r_duration * inst.r_crew / np.maximum(1, np.diff(cands.indptr))
    asked = np.bincount(cands.vol, weights=per_candidate[pair_r], minlength=inst.n_volunteers)
    contention = asked / np.maximum(1.0, minutes_to_give(inst))
    key = contention[cands.vol] + cands.walk / WALK_MINUTES_PER_CONTENTION
    order = np.lexsort((key, pair_r))
    return dataclasses.replace(
        cands, vol=cands.vol[order], walk=cands.walk[order], speaks=cands.speaks[order]
    )


def minutes_to_give(inst: Instance) -> FloatArray:
    """Per volunteer, summed over the days requests fall on: min(daily minute cap, available
    minutes that day)."""
    if inst.n_requests == 0:
        return np.zeros(inst.n_volunteers)
    days = np.arange(
        inst.r_earliest.min() // MINUTES_PER_DAY, inst.r_latest.max() // MINUTES_PER_DAY + 1
    )
    vol = np.repeat(np.arange(inst.n_volunteers), len(days))
    given = inst.day_capacity(vol * DAY_KEY + np.tile(days, inst.n_volunteers))
    return np.bincount(vol, weights=given, minlength=inst.n_volunteers).astype(float)
