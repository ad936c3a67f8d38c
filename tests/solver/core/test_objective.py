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
    is_kept,
    move_cost,
    move_tie_break,
    pair_cost,
    preference_bonus,
    served_weight,
    walking_cost,
    weight_first,
    weight_units,
)


def _costs(untouched: dict[int, tuple[int, list[int]]] | None = None, **settings: float) -> Costs:
    vols = [volunteer("v0"), volunteer("v1", where=north(300))]
    reqs = [
        request("r0", priority=5, resident_id="res", preferred_volunteers=["v1"]),
        request("r1", priority=1, window="10:30-10:30", resident_id="res"),
    ]
    inst = build_instance(problem(vols, reqs, **settings))
    return build_costs(inst, find_candidates(inst), untouched)


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


def test_move_cost_is_the_setting_in_weight_units_and_only_when_re_planning() -> None:
    assert move_cost(_costs(replan_move_cost=3.0), 17) == 0  # nothing published: no move
    costs = _costs(untouched={0: (540, [0])}, replan_move_cost=3.0)
    assert (weight_units(costs, 1), move_cost(costs, 17)) == (1, 3)
    half = _costs(untouched={0: (540, [0])}, replan_move_cost=2.5)
    assert (weight_units(half, 7), move_cost(half, 17)) == (14, 5)  # exact: 2.5 = 5 halves
    # No move can gain more than the weight at stake: a larger cost is capped just above it.
    huge = _costs(untouched={0: (540, [0])}, replan_move_cost=1e12)
    assert move_cost(huge, 17) == weight_units(huge, 17) + 1
    assert move_cost(_costs(untouched={0: (540, [0])}, replan_move_cost=0.0), 17) == 0


def test_a_move_outweighs_the_lower_levels_but_no_unit_of_weight() -> None:
    for span in (0, 1, 57, 10_000):
        tie_break = move_tie_break(span)
        assert tie_break > span  # one move more costs more than walking etc. can save
        for keepable in (1, 5):
            # one unit of weight still beats every move's tie-break and the lower levels
            assert weight_first(span + tie_break * keepable) > span + tie_break * keepable


def test_an_untouched_request_is_kept_only_at_its_published_start_and_crew() -> None:
    costs = _costs(untouched={0: (540, [0])})
    assert is_kept(costs, 0, 540, [0])
    assert not is_kept(costs, 0, 541, [0])
    assert not is_kept(costs, 0, 540, [1])
    assert not is_kept(costs, 1, 540, [0])  # not an untouched request


def test_pair_cost_is_the_sum_of_the_pair_terms() -> None:
    costs = _costs(untouched={0: (540, [1])})
    expected = (
        walking_cost(costs, 2.5) - preference_bonus(costs, 0, 1) - continuity_bonus(costs, True)
    )
    assert pair_cost(costs, 0, 1, 2.5, continues_care=True) == expected
    assert expected < walking_cost(costs, 2.5)
