"""The objective, one named function per term; both neighbourhood models, the search's
book-keeping and the reports use these.

- Level 1, `served_weight`: the sum of weight(priority) over served requests. It dominates:
  models multiply it by `weight_first`, a factor larger than any difference the lower levels
  can make, so no walking saving can ever buy an unserved request.
- Level 1, when re-planning, `move_cost`: each untouched published assignment (one the
  change left valid) that is moved or unassigned costs `Settings.replan_move_cost` of served
  weight, so a move is made only for more weight than that. Models count level 1 in
  `weight_units` (whole fractions of a unit of weight) so the cost stays exact in integers.
  Between level 1 and 2 each move also costs `move_tie_break`, so the lower levels never buy
  one, even at a move cost of 0. It is a preference of the re-plan, never part of the served
  weight: bounds and `optimal` are about `served_weight` alone.
- Level 2, `walking_cost`: walking from home, in tenths of a walking minute.
- Level 3, in walking-minute equivalents scaled by their weights in `Settings`:
  `fairness_cost` (each further task of a volunteer costs more than the last),
  `continuity_bonus` (a volunteer already serving the same resident in this plan),
  `series_bonus` (a volunteer already serving other visits of the same regular service,
  `series_id`: the occurrences of a recurring request; per pair of visits),
  `regular_bonus` (the resident's regular volunteer, across days and weeks: from the
  request's `regular_volunteer`, which the nightly job fills from earlier plans) and
  `preference_bonus` (a volunteer the resident prefers) and `window_load_cost` (fairness
  over a rolling window: each task of a volunteer whose credited minutes lie above their
  team's mean costs more).
`pair_cost` is the sum of a pair's terms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance

SCALE = 10  # objective units per walking minute
PREFERENCE_MINUTES = 10.0  # a preferred volunteer is worth this much walking
CONTINUITY_MINUTES = 10.0  # so is a volunteer who already serves the resident
REGULAR_MINUTES = 60.0
"""The resident's regular volunteer (and a series' volunteer) is worth this much walking:
more than any walk within reach (15 minutes by default) and than the most the fairness
window adds to a task (WINDOW_MAX_STEPS steps, 40 minutes), so trust is kept over both;
still level 3, so never at the cost of a served request."""
FAIRNESS_MINUTES = 5.0  # the k-th task of a volunteer costs (k - 1) times this
WINDOW_HOURS_PER_STEP = 2.0  # every 2 credited hours above the team's mean: one fairness step
WINDOW_MAX_STEPS = 8  # per task, at most this many fairness steps from the window
MOVE_COST_DENOMINATOR = 100  # a fractional move cost is kept to within 1/100 of a weight unit

Placement = tuple[int, frozenset[int]]
"""A served request's start minute and crew."""


@dataclass(frozen=True)
class Costs:
    walk_unit: float
    preference_bonus: int
    continuity_bonus: int
    fairness_step: int
    preferred: frozenset[tuple[int, int]]  # (request, volunteer) pairs the resident prefers
    resident_of: tuple[str | None, ...]
    requests_of_resident: dict[str, tuple[int, ...]]
    untouched: dict[int, Placement] = field(default_factory=dict)
    """Re-planning: the published placement of each assignment the change left valid."""
    weight_unit: int = 1
    """Level-1 units per unit of served weight (1 unless the move cost is fractional)."""
    move_unit_cost: int = 0
    """Level-1 units that moving one untouched assignment costs."""
    window_load: tuple[int, ...] = ()
    """Per volunteer: what each task costs for the hours credited over the window."""
    series_of: tuple[str | None, ...] = ()
    requests_of_series: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """The requests of each series with more than one request in the plan."""
    regular_bonus: int = 0
    regular: frozenset[tuple[int, int]] = frozenset()
    """(request, volunteer) pairs where the volunteer is the resident's regular one."""


def build_costs(
    inst: Instance,
    cands: Candidates,
    untouched: Mapping[int, tuple[int, Iterable[int]]] | None = None,
) -> Costs:
    """The integer costs of the settings; `untouched`, when re-planning, maps each request
    whose published start and crew are still valid to that placement."""
    s = inst.problem.settings
    position = {vid: i for i, vid in enumerate(inst.v_ids)}
    preferred = frozenset(
        (r, position[vid])
        for r, req in enumerate(inst.problem.requests)
        for vid in req.preferred_volunteers
        if vid in position
    )
    regular = frozenset(
        (r, position[req.regular_volunteer])
        for r, req in enumerate(inst.problem.requests)
        if req.regular_volunteer in position
    )
    by_resident: defaultdict[str, list[int]] = defaultdict(list)
    for r, req in enumerate(inst.problem.requests):
        if req.resident_id:
            by_resident[req.resident_id].append(r)
    by_series: defaultdict[str, list[int]] = defaultdict(list)
    for r, req in enumerate(inst.problem.requests):
        if req.series_id:
            by_series[req.series_id].append(r)
    del cands
    cost = Fraction(s.replan_move_cost).limit_denominator(MOVE_COST_DENOMINATOR)
    return Costs(
        walk_unit=SCALE * s.walk_weight,
        preference_bonus=round(SCALE * s.preference_weight * PREFERENCE_MINUTES),
        continuity_bonus=round(SCALE * s.continuity_weight * CONTINUITY_MINUTES),
        fairness_step=round(SCALE * s.fairness_weight * FAIRNESS_MINUTES),
        preferred=preferred,
        resident_of=tuple(r.resident_id for r in inst.problem.requests),
        requests_of_resident={k: tuple(v) for k, v in by_resident.items() if len(v) > 1},
        untouched={r: (start, frozenset(crew)) for r, (start, crew) in (untouched or {}).items()},
        weight_unit=cost.denominator if untouched else 1,
        move_unit_cost=cost.numerator if untouched else 0,
        window_load=window_loads(inst, round(SCALE * s.fairness_weight * FAIRNESS_MINUTES)),
        regular_bonus=round(SCALE * s.continuity_weight * REGULAR_MINUTES),
        regular=regular,
        series_of=tuple(r.series_id for r in inst.problem.requests),
        requests_of_series={k: tuple(v) for k, v in by_series.items() if len(v) > 1},
    )


def window_loads(inst: Instance, fairness_step: int) -> tuple[int, ...]:
    """Each volunteer's per-task cost from the window: one fairness step per
    `WINDOW_HOURS_PER_STEP` credited hours above their team's mean (at most
    `WINDOW_MAX_STEPS`); all zero when the window is off or nobody has credited minutes."""
    problem = inst.problem
    if problem.settings.fairness_window_days == 0:
        return (0,) * len(inst.v_ids)
    by_id = {v.volunteer_id: v for v in problem.volunteers}
    ordered = [by_id[vid] for vid in inst.v_ids]
    by_team: defaultdict[str, list[int]] = defaultdict(list)
    for volunteer in ordered:
        by_team[volunteer.team].append(volunteer.credited_minutes or 0)
    mean = {team: sum(m) / len(m) for team, m in by_team.items()}
    loads = []
    for volunteer in ordered:
        excess_hours = max(0.0, (volunteer.credited_minutes or 0) - mean[volunteer.team]) / 60
        steps = min(float(WINDOW_MAX_STEPS), excess_hours / WINDOW_HOURS_PER_STEP)
        loads.append(round(fairness_step * steps))
    return tuple(loads)


def served_weight(inst: Instance, requests: Iterable[int]) -> int:
    """Level 1: the priority weight of the served requests."""
    weight = inst.plain.r_weight
    return sum(weight[r] for r in requests)


def weight_units(costs: Costs, weight: int) -> int:
    """Level 1 as the models count it: served weight in units that also hold `move_cost`."""
    return costs.weight_unit * weight


def move_cost(costs: Costs, weight_at_stake: int) -> int:
    """Level 1, re-planning: moving or unassigning one untouched assignment, in
    `weight_units`; 0 when not re-planning. No move can gain more than the weight at stake
    (of every request a model may serve), so a larger cost acts the same and is capped
    there, which keeps the models' coefficients small."""
    return min(costs.move_unit_cost, weight_units(costs, weight_at_stake) + 1)


def move_tie_break(lower_span: int) -> int:
    """Re-planning, between level 1 and 2: what each move costs beyond `move_cost`, more than
    two schedules' lower levels can differ (at most `lower_span`), so that walking,
    fairness and preferences never buy a move."""
    return lower_span + 1


def is_kept(costs: Costs, r: int, start: int, crew: Iterable[int]) -> bool:
    """Whether request r at `start` with `crew` is an untouched assignment left as published."""
    published = costs.untouched.get(r)
    return published is not None and published == (start, frozenset(crew))


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


def regular_bonus(costs: Costs, r: int, v: int) -> int:
    """Level 3: v is the resident's regular volunteer (a pairing kept across days and
    weeks), worth more than a preference; never more than weight, which is level 1."""
    return costs.regular_bonus if (r, v) in costs.regular else 0


def window_load_cost(costs: Costs, v: int) -> int:
    """Level 3, fairness over the rolling window: each task of v costs v's window load."""
    return costs.window_load[v] if costs.window_load else 0


def series_bonus(costs: Costs, peers: int) -> int:
    """Level 3: the volunteer already serves `peers` other visits of the same regular
    service (`series_id`); each is worth as much as the resident's regular volunteer. Per
    pair of visits with one volunteer, so a series gains most when one volunteer serves
    it all (two volunteers with two visits each: 2 pairs; one with four: 6)."""
    return costs.regular_bonus * peers


def continuity_bonus(costs: Costs, continues_care: bool) -> int:
    """Level 3: the volunteer already serves another request of the same resident."""
    return costs.continuity_bonus if continues_care else 0


MAX_FAIRNESS_STEPS = 4


def fairness_cost(costs: Costs, tasks: int) -> int:
    """Level 3: the k-th task of a volunteer costs k - 1 fairness steps (at most
    MAX_FAIRNESS_STEPS): convex, so the load spreads."""
    return costs.fairness_step * sum(max(0, tasks - k) for k in range(1, MAX_FAIRNESS_STEPS + 1))


def pair_cost(
    costs: Costs,
    r: int,
    v: int,
    walk_minutes: float,
    *,
    continues_care: bool,
    series_peers: int = 0,
) -> int:
    """Every term that a (request, volunteer) pair alone decides, given whether v serves
    another request of r's resident (`continues_care`) and how many of r's series."""
    return (
        walking_cost(costs, walk_minutes)
        + window_load_cost(costs, v)
        - preference_bonus(costs, r, v)
        - regular_bonus(costs, r, v)
        - continuity_bonus(costs, continues_care)
        - series_bonus(costs, series_peers)
    )
