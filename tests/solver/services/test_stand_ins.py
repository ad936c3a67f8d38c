"""`stand_ins`: everyone it lists could step in at once, by the independent checker's
reading (each listed volunteer, as a standby of the request, passes every standby rule)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from standby_cases import crowded_days

from matcher._internal.check import check_solution
from matcher._internal.model import Problem, Standby
from matcher._internal.solver import solve, stand_ins


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_days())
def test_every_stand_in_passes_the_checker_as_a_standby(p: Problem) -> None:
    aware = p.model_copy(update={"settings": p.settings.model_copy(update={"plan_standbys": True})})
    plan = solve(aware, strategy="greedy")
    free = stand_ins(aware, plan)
    crews = plan.crews()
    assert set(free) == set(crews)
    for rid, helpers in free.items():
        crew = crews[rid]
        assert not {a.volunteer_id for a in crew} & set(helpers)
        for vid in helpers:
            extra = Standby(request_id=rid, volunteer_id=vid, start=crew[0].start,
                            end=crew[0].end)  # fmt: skip
            trial = plan.model_copy(update={"standbys": [*plan.standbys, extra]})
            report = check_solution(aware, trial)
            assert report.ok, "\n".join(str(v) for v in report.violations)
