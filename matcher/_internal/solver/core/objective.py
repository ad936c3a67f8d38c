"""The objective, one named function per term; both neighbourhood models, the search's
book-keeping and the reports use these.

- Level 1, `served_weight`: the sum of weight(priority) over served requests. It dominates:
  models multiply it by `weight_first`, a factor larger than any difference the lower levels
  can make, so no walking saving can ever buy an unserved request.
- Level 2, `walking_cost`: walking from home, in tenths of a walking minute.
- Level 3, in walking-minute equivalents scaled by their weights in `Settings`:
  `fairness_cost` (each further task of a volunteer costs more than the last),
  `continuity_bonus` (a volunteer already serving the same resident), `preference_bonus`
  (a volunteer the resident prefers), and, when re-planning, `stability_bonus` (a published
  crew member kept; a kept published start earns it too, in the scheduling model).
`pair_cost` is the sum of a pair's terms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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


def served_weight(inst: Instance, requests: Iterable[int]) -> int:
    """Level 1: the priority weight of the served requests."""
    weight = inst.plain.r_weight
    return sum(weight[r] for r in requests)


def weight_first(lower_span: int) -> int:
    """The factor on served weight that puts it first: one unit of weight outweighs any two
    schedules' difference in the lower levels, when those differ by at most `lower_span`."""
    return lower_span + 1


def walking_cost(costs: Costs, walk_minutes: float) -> int:
    """Level 2: walking from home to the request."""
    return round(costs.walk_unit * walk_minutes)


def preference_bonus(costs: Costs, r: int, v: int) -> int:
    """Level 3: the resident asked for this volunteer."""
    return costs.preference_bonus if (r, v) in costs.preferred else 0


def stability_bonus(costs: Costs, r: int, v: int) -> int:
    """Re-planning: the volunteer was in the request's published crew."""
    published = costs.published.get(r)
    return costs.stability_bonus if published is not None and v in published[1] else 0


def continuity_bonus(costs: Costs, continues_care: bool) -> int:
    """Level 3: the volunteer already serves another request of the same resident."""
    return costs.continuity_bonus if continues_care else 0


MAX_FAIRNESS_STEPS = 4


def fairness_cost(costs: Costs, tasks: int) -> int:
    """Level 3: the k-th task of a volunteer costs k - 1 fairness steps (at most
    MAX_FAIRNESS_STEPS): convex, so the load spreads."""
    return costs.fairness_step * sum(max(0, tasks - k) for k in range(1, MAX_FAIRNESS_STEPS + 1))


def pair_cost(costs: Costs, r: int, v: int, walk_minutes: float, *, continues_care: bool) -> int:
    """Every term that a (request, volunteer) pair alone decides."""
    return (
        walking_cost(costs, walk_minutes)
        - preference_bonus(costs, r, v)
        - stability_bonus(costs, r, v)
        - continuity_bonus(costs, continues_care)
    )
