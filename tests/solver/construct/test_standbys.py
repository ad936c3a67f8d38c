"""Standbys planned on a finished schedule: every one passes the independent checker, the
plan gives up at most the setting's share of served weight for them, and with the switch
off (or no share to give up) the plan is exactly what it was."""

from __future__ import annotations

from typing import Any

from factories import north, problem, request, volunteer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standby_cases import crowded_days

from matcher._internal.check import check_solution
from matcher._internal.model import Problem, Settings, Solution
from matcher._internal.solver import solve
from matcher._internal.solver.construct.standbys import served_probability


def _with(p: Problem, **changes: Any) -> Problem:
    return p.model_copy(update={"settings": p.settings.model_copy(update=changes)})


def _rows(s: Solution) -> list[tuple[str, str, str]]:
    return [(a.request_id, a.volunteer_id, a.start.isoformat()) for a in s.assignments]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_days(), st.sampled_from([0.0, 0.01, 0.2, 1.0]), st.integers(1, 2),
       st.integers(1, 5))  # fmt: skip
def test_every_standby_passes_the_checker_and_the_cost_is_capped(
    p: Problem, share: float, per_request: int, min_priority: int
) -> None:
    plain = solve(p, strategy="greedy")
    on = _with(p, plan_standbys=True, standby_max_share=share,
               standbys_per_request=per_request, standby_min_priority=min_priority)  # fmt: skip
    aware = solve(on, strategy="greedy")
    report = check_solution(on, aware)
    assert report.ok, "\n".join(str(v) for v in report.violations)
    assert report.standbys == len(aware.standbys) == aware.summary.standbys
    priority = {r.request_id: r.priority for r in p.requests}
    per: dict[str, int] = {}
    for s in aware.standbys:
        assert priority[s.request_id] >= min_priority
        per[s.request_id] = per.get(s.request_id, 0) + 1
    assert all(n <= per_request for n in per.values())
    given_up = plain.summary.served_weight - aware.summary.served_weight
    assert 0 <= given_up <= share * plain.summary.served_weight + 1e-9
    assert aware.summary.upper_bound >= aware.summary.served_weight
    assert aware.summary.upper_bound == plain.summary.upper_bound  # standbys serve nothing
    if share == 0.0:  # free time only: the plan itself is untouched
        assert _rows(aware) == _rows(plain)
        assert aware.unassigned == plain.unassigned


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_days())
def test_switched_off_the_plan_is_as_before(p: Problem) -> None:
    """The defaults plan no standbys, and the standby settings do nothing while it is off."""
    assert p.settings.plan_standbys is False
    before = solve(p, strategy="greedy")
    tuned = solve(_with(p, standby_max_share=1.0, standby_min_priority=1,
                        default_acceptance_rate=0.1), strategy="greedy")  # fmt: skip
    assert before.standbys == tuned.standbys == []
    assert before.summary.standbys == 0
    assert _rows(before) == _rows(tuned)
    assert before.unassigned == tuned.unassigned


def _urgent_and_errand(errand_window: str) -> Problem:
    """An urgent visit that A serves; B, the only other volunteer, has an errand at the
    same time."""
    return problem(
        [volunteer("A", acceptance_rate=0.6), volunteer("B", where=north(300))],
        [
            request("URGENT", priority=5, window="09:00-09:00"),
            request("ERRAND", priority=1, window=errand_window, where=north(300)),
        ],
        plan_standbys=True,
    )


def test_an_errand_is_given_up_for_a_standby_only_within_the_share() -> None:
    p = _urgent_and_errand("09:00-09:00")
    # weight 16 + 1: giving up the errand costs 1/17 of it
    tight = solve(_with(p, standby_max_share=0.05), strategy="greedy")
    assert tight.standbys == [] and tight.summary.served_weight == 17
    roomy = solve(_with(p, standby_max_share=0.1), strategy="greedy")
    assert [(s.request_id, s.volunteer_id) for s in roomy.standbys] == [("URGENT", "B")]
    assert roomy.summary.served_weight == 16
    assert [u.request_id for u in roomy.unassigned] == ["ERRAND"]
    assert check_solution(p, roomy).ok


def test_an_errand_is_moved_rather_than_given_up() -> None:
    p = _with(_urgent_and_errand("09:00-12:00"), standby_max_share=0.01)
    s = solve(p, strategy="greedy")
    assert [(x.request_id, x.volunteer_id) for x in s.standbys] == [("URGENT", "B")]
    assert s.summary.served_weight == 17  # the errand moved after the held hour
    errand = next(a for a in s.assignments if a.request_id == "ERRAND")
    assert errand.start.hour >= 10
    assert check_solution(p, s).ok


def test_an_optimised_plan_proven_optimal_states_its_bound_from_before_the_trade() -> None:
    p = _with(_urgent_and_errand("09:00-09:00"), standby_max_share=0.1, time_limit_s=5)
    s = solve(p)
    assert s.summary.served_weight == 16
    assert s.summary.upper_bound == 17  # the optimum everyone accepting, still proven
    assert s.summary.status == "feasible"


def test_the_likeliest_volunteers_serve_and_stand_by() -> None:
    p = problem(
        [
            volunteer("CREW", acceptance_rate=0.5),
            volunteer("NEAR", where=north(50), acceptance_rate=0.5),
            volunteer("FAR", where=north(400), acceptance_rate=0.9),
        ],
        [request("URGENT", priority=5)],
        plan_standbys=True,
    )
    # no share to trade: the plan stays, the likeliest free volunteer stands by
    s = solve(_with(p, standby_max_share=0.0), strategy="greedy")
    assert [a.volunteer_id for a in s.assignments] == ["CREW"]
    assert [(x.request_id, x.volunteer_id) for x in s.standbys] == [("URGENT", "FAR")]
    # with it, the likeliest serves and the nearest of the others stands by
    s = solve(p, strategy="greedy")
    assert [a.volunteer_id for a in s.assignments] == ["FAR"]
    assert [(x.request_id, x.volunteer_id) for x in s.standbys] == [("URGENT", "CREW")]
    assert check_solution(p, s).ok


def test_low_priorities_get_no_standby() -> None:
    p = problem([volunteer("A"), volunteer("B")], [request("R", priority=3)], plan_standbys=True)
    assert solve(p, strategy="greedy").standbys == []
    assert len(solve(_with(p, standby_min_priority=3), strategy="greedy").standbys) == 1


@given(st.lists(st.floats(0, 1), max_size=6), st.integers(0, 7))
def test_served_probability_matches_enumeration(probabilities: list[float], needed: int) -> None:
    from itertools import product

    exact = 0.0
    for answers in product([0, 1], repeat=len(probabilities)):
        if sum(answers) >= needed:
            chance = 1.0
            for p, a in zip(probabilities, answers, strict=True):
                chance *= p if a else 1 - p
            exact += chance
    assert abs(served_probability(probabilities, needed) - exact) < 1e-9


def test_settings_defaults_keep_standbys_off() -> None:
    assert Settings().plan_standbys is False
