"""Where the neighbourhood search looks: mostly at unserved requests, until that stops paying."""

from __future__ import annotations

import pytest
from factories import problem, request, volunteer

from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance
from matcher._internal.solver.core.objective import build_costs
from matcher._internal.solver.search import lns
from matcher._internal.solver.search.neighbourhood import Neighbourhood
from matcher._internal.solver.search.scheduling_model import Prepared


def _origins(monkeypatch: pytest.MonkeyPatch, iterations: int) -> list[str]:
    """Run the search on a day where nothing can improve, and note where each neighbourhood
    it prepares grew from ("unserved" or "served" seed), in order."""
    # One volunteer, two requests at the same minute: one is served, one is open for good.
    p = problem([volunteer("v")], [request("a", priority=4), request("b", priority=3)])
    inst = build_instance(p)
    cands = find_candidates(inst)
    schedule = greedy_schedule(inst, cands)
    assert len(schedule.crews) == 1
    # Skip the exact model of small problems, which would prove this one at once.
    monkeypatch.setattr(lns, "WHOLE_VOLUNTEERS", 0)
    seen: list[str] = []
    prepare = lns.prepare

    def noting(*args: object) -> Prepared:
        nb = args[4]
        assert isinstance(nb, Neighbourhood)
        seen.append(nb.origin)
        return prepare(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(lns, "prepare", noting)
    stats = lns.improve(
        inst, cands, schedule, build_costs(inst, cands), time_limit=60, upper_bound=100,
        seed=7, workers=1, deterministic=True, max_iterations=iterations,
    )  # fmt: skip
    assert stats.iterations == len(seen) == iterations
    assert len(schedule.crews) == 1
    return seen


def _share(origins: list[str]) -> float:
    assert origins
    return origins.count("unserved") / len(origins)


def test_unserved_requests_are_the_usual_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lns, "STALL_ITERATIONS", 10**9)  # never stalls
    assert abs(_share(_origins(monkeypatch, 400)) - lns.UNSERVED_SHARE) < 0.06


def test_after_a_stall_served_requests_take_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """Open seeds that never gain weight count towards a stall; from the one that completes
    it, served requests are the usual seeds."""
    origins = _origins(monkeypatch, 500)
    stalled_at = [i for i, o in enumerate(origins) if o == "unserved"][lns.STALL_ITERATIONS - 1]
    assert abs(_share(origins[: stalled_at + 1]) - lns.UNSERVED_SHARE) < 0.08
    assert abs(_share(origins[stalled_at + 1 :]) - lns.STALLED_SHARE) < 0.06
