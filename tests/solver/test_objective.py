"""Each objective term on its own (`core.objective`): what it rewards, and nothing else."""

from __future__ import annotations

import itertools

from factories import north, problem, request, volunteer

from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance
from matcher._internal.solver.core.objective import (
    MAX_FAIRNESS_STEPS,
    Costs,
    build_costs,
    continuity_bonus,
    fairness_cost,
    pair_cost,
    preference_bonus,
    served_weight,
    stability_bonus,
    walking_cost,
    weight_first,
)


def _costs(published: dict[int, tuple[int, list[int]]] | None = None, **settings: float) -> Costs:
    vols = [volunteer("v0"), volunteer("v1", where=north(300))]
    reqs = [
        request("r0", priority=5, resident_id="res", preferred_volunteers=["v1"]),
        request("r1", priority=1, window="10:30-10:30", resident_id="res"),
    ]
    inst = build_instance(problem(vols, reqs, **settings))
    return build_costs(inst, find_candidates(inst), published)


def test_served_weight_sums_the_priority_weights_of_the_served_requests() -> None:
    reqs = [request("a", priority=5), request("b", priority=1), request("c", priority=3)]
    inst = build_instance(problem([volunteer("v0")], reqs))
    assert served_weight(inst, [0, 1]) == 16 + 1
    assert served_weight(inst, []) == 0
    weighted = build_instance(
        problem([volunteer("v0")], reqs, priority_weights={1: 7, 2: 1, 3: 9, 4: 1, 5: 50})
    )
    assert served_weight(weighted, [0, 1, 2]) == 50 + 7 + 9


def test_weight_first_outweighs_every_difference_in_the_lower_levels() -> None:
    for span in (0, 1, 57, 10_000):
        factor = weight_first(span)
        # one unit of weight beats the worst case of the lower levels
        assert factor * 1 - span > 0


def test_walking_cost_grows_with_the_walk_and_its_weight() -> None:
    costs = _costs()
    assert walking_cost(costs, 0.0) == 0
    assert walking_cost(costs, 3.0) < walking_cost(costs, 4.0)
    assert walking_cost(_costs(walk_weight=2.0), 4.0) == 2 * walking_cost(costs, 4.0)
    assert walking_cost(_costs(walk_weight=0.0), 4.0) == 0


def test_preference_bonus_only_for_the_preferred_pair() -> None:
    costs = _costs()
    assert preference_bonus(costs, 0, 1) > 0
    assert preference_bonus(costs, 0, 0) == 0
    assert preference_bonus(costs, 1, 1) == 0
    assert preference_bonus(_costs(preference_weight=0.0), 0, 1) == 0


def test_continuity_bonus_only_when_care_continues() -> None:
    costs = _costs()
    assert continuity_bonus(costs, True) > 0
    assert continuity_bonus(costs, False) == 0
    assert continuity_bonus(_costs(continuity_weight=0.0), True) == 0


def test_fairness_is_convex_and_capped() -> None:
    costs = _costs()
    steps = [fairness_cost(costs, n) for n in range(MAX_FAIRNESS_STEPS + 4)]
    assert steps[0] == steps[1] == 0
    increments = [b - a for a, b in itertools.pairwise(steps)]
    assert increments == sorted(increments)  # each task costs at least as much as the last
    assert increments[-1] == increments[-2] == MAX_FAIRNESS_STEPS * costs.fairness_step
    assert fairness_cost(_costs(fairness_weight=0.0), 5) == 0


def test_stability_bonus_only_for_a_published_crew_member_when_re_planning() -> None:
    assert stability_bonus(_costs(), 0, 0) == 0
    costs = _costs(published={0: (540, [0])})
    assert stability_bonus(costs, 0, 0) > 0
    assert stability_bonus(costs, 0, 1) == 0
    assert stability_bonus(costs, 1, 0) == 0


def test_pair_cost_is_the_sum_of_the_pair_terms() -> None:
    costs = _costs(published={0: (540, [1])})
    expected = (
        walking_cost(costs, 2.5)
        - preference_bonus(costs, 0, 1)
        - stability_bonus(costs, 0, 1)
        - continuity_bonus(costs, True)
    )
    assert pair_cost(costs, 0, 1, 2.5, continues_care=True) == expected
    assert expected < walking_cost(costs, 2.5)
