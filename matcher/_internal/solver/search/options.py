"""What each request of a neighbourhood could get from each volunteer in it: the starts that
volunteer could give it around their kept bookings, and what the pair costs.

Both neighbourhood models (the scheduling one and the route one) are built from these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher._internal.solver.core.objective import pair_cost
from matcher._internal.solver.core.rules import day_starts, service_day
from matcher._internal.solver.core.schedule import Ranges, Schedule
from matcher._internal.solver.search.neighbourhood import Neighbourhood
from matcher._internal.solver.search.subproblem import Crews, Subproblem

__all__ = ["Crews", "Option", "request_options", "split_by_day"]


@dataclass(frozen=True)
class Option:
    """Volunteer v could serve the request starting in `ranges`, at `cost`."""

    v: int
    ranges: Ranges
    cost: int
    speaks: bool

    @property
    def day(self) -> int:
        """The day the option's start counts toward (rule 7): all its ranges lie in it."""
        return service_day(self.ranges[0][0])


def request_options(sub: Subproblem) -> dict[int, list[Option]]:
    """The options of each neighbourhood request that could be staffed from inside it (its
    crew size, and a speaker where a language is asked); requests that cannot are left out.

    A volunteer gets one option per day their starts for the request fall on, so that each
    option's minutes count toward one known day (rule 7) and the daily caps stay linear; a
    model takes at most one option of a volunteer per request."""
    inst, cands, schedule, costs = sub.inst, sub.cands, sub.schedule, sub.costs
    nb, freed = sub.nb, sub.freed
    members = nb.volunteers
    serving_resident = _links(schedule, nb, freed, costs.resident_of, costs.requests_of_resident)
    series_peers = _peers(schedule, nb, freed, costs.series_of, costs.requests_of_series)
    out: dict[int, list[Option]] = {}
    for r in nb.requests:
        span = cands.of(r)
        options: list[Option] = []
        for v, walk, speaks in zip(
            cands.vol[span], cands.walk[span], cands.speaks[span], strict=True
        ):
            v = int(v)
            if v not in members:
                continue
            by_day = split_by_day(schedule.feasible_starts(v, r))
            if not by_day:
                continue
            cost = pair_cost(
                costs, r, v, float(walk), continues_care=(r, v) in serving_resident,
                series_peers=series_peers.get((r, v), 0),
            )  # fmt: skip
            options += [Option(v, ranges, cost, bool(speaks)) for ranges in by_day]
        crew = int(inst.r_crew[r])
        if len({o.v for o in options}) < crew or (
            cands.needs_language[r] and not any(o.speaks for o in options)
        ):
            if r in freed:  # cannot happen: the current crew is always feasible
                raise AssertionError(f"request {inst.r_ids[r]} lost its own crew")
            continue
        out[r] = options
    return out


def split_by_day(ranges: Ranges) -> list[Ranges]:
    """Start ranges cut at midnight and grouped by the day they count toward (rule 7)."""
    out: dict[int, Ranges] = {}
    for a, b in ranges:
        for day in range(service_day(a), service_day(b) + 1):
            first, last = day_starts(day)
            out.setdefault(day, []).append((max(a, first), min(b, last)))
    return list(out.values())


def _links(
    schedule: Schedule,
    nb: Neighbourhood,
    freed: Crews,
    group_of: Sequence[str | None],
    members: Mapping[str, tuple[int, ...]],
) -> set[tuple[int, int]]:
    """Pairs (r, v) where v already serves another request of r's group (its resident, or
    its series)."""
    links: set[tuple[int, int]] = set()
    if not members:
        return links
    for r in nb.requests:
        group = group_of[r]
        for other in members.get(group or "", ()):
            crew = schedule.crews.get(other) or freed.get(other)
            if other != r and crew is not None:
                links.update((r, v) for v in crew[1])
    return links


def _peers(
    schedule: Schedule,
    nb: Neighbourhood,
    freed: Crews,
    group_of: Sequence[str | None],
    members: Mapping[str, tuple[int, ...]],
) -> Counter[tuple[int, int]]:
    """For each (r, v): how many other requests of r's series v already serves."""
    peers: Counter[tuple[int, int]] = Counter()
    if not members:
        return peers
    for r in nb.requests:
        for other in members.get(group_of[r] or "", ()):
            crew = schedule.crews.get(other) or freed.get(other)
            if other != r and crew is not None:
                peers.update((r, v) for v in crew[1])
    return peers
