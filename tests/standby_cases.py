"""Small crowded days for the standby tests: few volunteers, overlapping requests, varied
rates of acceptance, teams, caps and languages, so that standbys are scarce and trades and
swaps happen."""

from __future__ import annotations

from factories import north, problem, request, volunteer
from hypothesis import strategies as st

from matcher._internal.model import Problem


@st.composite
def crowded_days(draw: st.DrawFn) -> Problem:
    """3-7 volunteers of two teams around the centre with their own hours, rates, caps and
    languages; 3-10 requests with priorities, crews of one or two, windows of 0-60 minutes,
    some naming a team or a language."""
    vols = []
    for i in range(draw(st.integers(3, 7))):
        first = draw(st.integers(8, 10))
        vols.append(
            volunteer(
                f"V{i}",
                team=draw(st.sampled_from(["care", "care", "repair"])),
                where=north(draw(st.integers(0, 1200))),
                hours=f"{first:02d}:00-{first + draw(st.integers(2, 5)):02d}:00",
                acceptance_rate=draw(st.sampled_from([None, 0.4, 0.7, 0.95])),
                max_tasks_per_day=draw(st.sampled_from([None, 1, 2])),
                languages=draw(st.sampled_from([[], ["jin"]])),
            )
        )
    reqs = []
    for j in range(draw(st.integers(3, 10))):
        hour = draw(st.integers(8, 12))
        minute = draw(st.sampled_from([0, 30]))
        first = f"{hour:02d}:{minute:02d}"
        last = f"{hour:02d}:{minute + draw(st.sampled_from([0, 15, 29])):02d}"
        reqs.append(
            request(
                f"R{j}",
                team=draw(st.sampled_from([None, "care", "repair"])),
                where=north(draw(st.integers(0, 1200))),
                window=f"{first}-{last}",
                minutes=draw(st.sampled_from([30, 60, 90])),
                priority=draw(st.integers(1, 5)),
                volunteers_needed=draw(st.sampled_from([1, 1, 1, 2])),
                language=draw(st.sampled_from([None, None, "jin"])),
            )
        )
    return problem(vols, reqs)
