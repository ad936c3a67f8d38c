"""Merge independent pieces (parts of a community, or communities of a city) into one plan.

The pieces share no volunteer, no request and no candidate pair, so
- their schedules together are a valid schedule of the whole;
- the sum of their upper bounds is an upper bound of the whole (any schedule of the whole
  is a schedule per piece), and so is each team's sum;
- the whole is `optimal` exactly when every piece is: each piece serves at most its bound,
  so the sums are equal only when each piece's are.
Requests that no volunteer could serve (explained when the community was split) add
nothing to the bound.
"""

from __future__ import annotations

from collections.abc import Sequence

from matcher._internal.model import (
    CommunitySummary,
    Request,
    SearchStats,
    Settings,
    Solution,
    Strategy,
    Unassigned,
    relative_gap,
    summarise,
)
from matcher._internal.model.solution import TeamSummary


def combine(
    pieces: Sequence[Solution],
    *,
    requests: Sequence[Request],
    settings: Settings,
    strategy: Strategy,
    seconds: float,
    left_out: Sequence[Unassigned] = (),
) -> Solution:
    """One solution of `pieces` and the `left_out` requests, covering `requests` (whose
    order the unassigned list keeps)."""
    assignments = sorted(
        (a for p in pieces for a in p.assignments),
        key=lambda a: (a.start, a.request_id, a.volunteer_id),
    )
    position = {r.request_id: i for i, r in enumerate(requests)}
    unassigned = sorted(
        [*(u for p in pieces for u in p.unassigned), *left_out],
        key=lambda u: position[u.request_id],
    )
    served = sum(p.summary.served_weight for p in pieces)
    bound = sum(p.summary.upper_bound for p in pieces)
    requests_served = sum(p.summary.requests_served for p in pieces)
    if requests_served + len(unassigned) != len(requests):
        raise ValueError("the pieces do not cover the requests once each")
    summary = summarise(
        assignments,
        strategy=strategy,
        served_weight=served,
        upper_bound=bound,
        requests_total=len(requests),
        requests_served=requests_served,
        requests_unassigned=len(unassigned),
        seconds=seconds,
        first_schedule_seconds=max((p.summary.first_schedule_seconds for p in pieces), default=0.0),
        per_team=_per_team(pieces, left_out, requests),
        settings=settings,
        search=_search(pieces),
        standbys=sum(len(p.standbys) for p in pieces),
    )
    standbys = sorted(
        (s for p in pieces for s in p.standbys),
        key=lambda s: (s.start, s.request_id, s.volunteer_id),
    )
    return Solution(
        assignments=assignments, unassigned=unassigned, summary=summary, standbys=standbys
    )


def _search(pieces: Sequence[Solution]) -> SearchStats | None:
    """The pieces' search statistics added up; None when no piece was searched."""
    searched = [p.summary.search for p in pieces if p.summary.search is not None]
    if not searched:
        return None
    return SearchStats(
        iterations=sum(s.iterations for s in searched),
        moves_accepted=sum(s.moves_accepted for s in searched),
        ruin_steps=sum(s.ruin_steps for s in searched),
    )


def _per_team(
    pieces: Sequence[Solution], left_out: Sequence[Unassigned], requests: Sequence[Request]
) -> dict[str, TeamSummary]:
    """Each team's figures summed over the pieces; a left-out request counts as one of its
    team's requests, unserved, adding nothing to the bound."""
    totals: dict[str, list[int]] = {}
    for piece in pieces:
        for code, team in piece.summary.per_team.items():
            row = totals.setdefault(code, [0, 0, 0, 0])
            for k, value in enumerate(
                (team.requests, team.served, team.served_weight, team.upper_bound)
            ):
                row[k] += value
    team_of = {r.request_id: r.team or "any" for r in requests}
    for u in left_out:
        totals.setdefault(team_of[u.request_id], [0, 0, 0, 0])[0] += 1
    return {
        code: TeamSummary(
            requests=n, served=s, served_weight=w, upper_bound=b, gap=relative_gap(w, b)
        )
        for code, (n, s, w, b) in sorted(totals.items())
    }


def community_summary(
    solution: Solution | None,
    *,
    parts: int,
    seconds: float,
    requests: int,
    failure: str | None = None,
) -> CommunitySummary:
    """A community's line of a city run: its figures, or zeros and why it was not planned."""
    if solution is None:
        return CommunitySummary(
            status=None,
            requests=requests,
            served=0,
            served_weight=0,
            upper_bound=0,
            gap=0.0,
            walk_minutes=0.0,
            parts=parts,
            solve_seconds=round(seconds, 3),
            failure=failure,
        )
    s = solution.summary
    return CommunitySummary(
        status=s.status,
        requests=s.requests_total,
        served=s.requests_served,
        served_weight=s.served_weight,
        upper_bound=s.upper_bound,
        gap=s.gap,
        walk_minutes=s.walk_minutes,
        parts=parts,
        solve_seconds=round(seconds, 3),
    )
