"""The contention order the optimiser's construction uses: on a hand-made case where the
nearest volunteer is the only one a second request can have, it leaves them free."""

from __future__ import annotations

from factories import north, problem, request, volunteer

from matcher import Settings
from matcher._internal.check import check_solution
from matcher._internal.solver import solve
from matcher._internal.solver.construct.contention import least_contended_first, minutes_to_give
from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance


def _shared_and_spare():  # type: ignore[no-untyped-def]
    # "shared" reaches both requests; "spare" reaches only the urgent one (B is 1.6 km off).
    return problem(
        [volunteer("shared", where=north(0)), volunteer("spare", where=north(900))],
        [
            request("A", where=north(300), priority=4),
            request("B", where=north(-700), priority=3),
        ],
    )


def test_least_contended_volunteer_comes_first() -> None:
    inst = build_instance(_shared_and_spare())
    cands = find_candidates(inst)
    a = inst.r_ids.index("A")
    nearest = [inst.v_ids[v] for v in cands.vol[cands.of(a)]]
    ordered = least_contended_first(inst, cands)
    assert nearest == ["shared", "spare"]
    assert [inst.v_ids[v] for v in ordered.vol[ordered.of(a)]] == ["spare", "shared"]
    # Same pairs, each keeping its own walk.
    assert sorted(zip(cands.vol, cands.walk, strict=True)) == sorted(
        zip(ordered.vol, ordered.walk, strict=True)
    )


def test_contention_order_serves_what_nearest_first_leaves_out() -> None:
    inst = build_instance(_shared_and_spare())
    cands = find_candidates(inst)
    assert len(greedy_schedule(inst, cands).crews) == 1  # A takes "shared"; B has nobody
    assert len(greedy_schedule(inst, least_contended_first(inst, cands)).crews) == 2


def test_minutes_to_give_splits_overnight_availability_and_applies_the_daily_cap() -> None:
    p = problem(
        [
            volunteer("night", availability=["2026-12-01T20:00:00/2026-12-02T04:00:00"]),
            volunteer("capped", hours="08:00-18:00", max_minutes_per_day=120),
        ],
        [
            request("r", window="21:00-21:00"),
            request(
                "s",
                earliest_start="2026-12-02T01:00:00",
                latest_start="2026-12-02T01:00:00",
            ),
        ],
    )
    inst = build_instance(p)
    given = dict(zip(inst.v_ids, minutes_to_give(inst), strict=True))
    # 4 h before midnight and 4 h after, on two request days; the cap binds per day.
    assert given == {"night": 480.0, "capped": 120.0}


def test_the_contention_start_is_skipped_where_it_would_end_past_the_time_limit() -> None:
    """The second greedy costs about what the first did: a run whose first schedule took
    more than half its time limit keeps the nearest-first start. Deterministic runs never
    read the clock, so they always try both."""
    rushed = _shared_and_spare().model_copy(
        update={"settings": Settings(time_limit_s=1e-9, seed=1)}
    )
    solution = solve(rushed)
    assert check_solution(rushed, solution).ok
    assert solution.summary.requests_served == 1
    exact = rushed.model_copy(
        update={"settings": Settings(time_limit_s=1e-9, seed=1, deterministic=True)}
    )
    assert solve(exact).summary.requests_served == 2
