"""The objective's second and third levels as integer costs, in tenths of a walking minute.

Level 1 (served priority weight) dominates: it is multiplied by a factor larger than any
possible sum of the lower levels, so no walking saving can ever buy an unserved request.
Level 2 is walking; level 3 prices fairness (each further task of a volunteer costs more than
the last), continuity (a volunteer already serving the same resident) and preferred
volunteers, each in walking-minute equivalents scaled by its weight in `Settings`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance

SCALE = 10  # objective units per walking minute
PREFERENCE_MINUTES = 10.0  # a preferred volunteer is worth this much walking
CONTINUITY_MINUTES = 10.0  # so is a volunteer who already serves the resident
FAIRNESS_MINUTES = 5.0  # the k-th task of a volunteer costs (k - 1) times this
STABILITY_MINUTES = 60.0  # re-planning: keeping a published crew member, or start, is worth this


@dataclass(frozen=True)
class Costs:
    walk_unit: float
    preference_bonus: int
    continuity_bonus: int
    fairness_step: int
    preferred: frozenset[tuple[int, int]]  # (request, volunteer) pairs the resident prefers
    resident_of: tuple[str | None, ...]
    requests_of_resident: dict[str, tuple[int, ...]]
    published: dict[int, tuple[int, frozenset[int]]] = field(default_factory=dict)
    """Re-planning: each request's published start and crew, which changes should keep."""
    stability_bonus: int = 0

    def pair_cost(self, r: int, v: int, walk: float) -> int:
        cost = round(self.walk_unit * walk)
        if (r, v) in self.preferred:
            cost -= self.preference_bonus
        if r in self.published and v in self.published[r][1]:
            cost -= self.stability_bonus
        return cost


def build_costs(
    inst: Instance,
    cands: Candidates,
    published: dict[int, tuple[int, list[int]]] | None = None,
) -> Costs:
    s = inst.problem.settings
    position = {vid: i for i, vid in enumerate(inst.v_ids)}
    preferred = frozenset(
        (r, position[vid])
        for r, req in enumerate(inst.problem.requests)
        for vid in req.preferred_volunteers
        if vid in position
    )
    by_resident: defaultdict[str, list[int]] = defaultdict(list)
    for r, req in enumerate(inst.problem.requests):
        if req.resident_id:
            by_resident[req.resident_id].append(r)
    del cands
    return Costs(
        walk_unit=SCALE * s.walk_weight,
        preference_bonus=round(SCALE * s.preference_weight * PREFERENCE_MINUTES),
        continuity_bonus=round(SCALE * s.continuity_weight * CONTINUITY_MINUTES),
        fairness_step=round(SCALE * s.fairness_weight * FAIRNESS_MINUTES),
        preferred=preferred,
        resident_of=tuple(r.resident_id for r in inst.problem.requests),
        requests_of_resident={k: tuple(v) for k, v in by_resident.items() if len(v) > 1},
        published={r: (start, frozenset(crew)) for r, (start, crew) in (published or {}).items()},
        stability_bonus=round(SCALE * STABILITY_MINUTES) if published else 0,
    )
