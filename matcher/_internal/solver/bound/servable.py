"""Proven upper bounds on the served priority weight."""

from __future__ import annotations

import numpy as np

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance


def servable_bound(inst: Instance, cands: Candidates) -> int:
    """Weight of every request that has enough eligible volunteers on its own.

    Valid because a request without a full eligible crew can never be served; weak because
    it ignores that requests compete for the same volunteers.
    """
    return int(np.sum(inst.r_weight[cands.servable(inst.r_crew)]))
