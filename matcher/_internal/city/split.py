"""Split one community into independent parts.

A request and a volunteer are linked when the volunteer could serve the request (a
candidate pair). The connected parts of that graph share no volunteer, no request and no
pair, so each can be planned on its own: a schedule per part is a schedule of the whole,
and the parts' bounds add up to a bound of the whole. Many small parts are grouped into
parts of up to `PART_PAIRS` pairs, since each part costs a process round trip and a model.

A request with no candidate at all belongs to no part. It is explained here, against every
volunteer of the community, so its reason reads as it would in a run of the whole. A
community that forms one part is that part whole, every volunteer and request in it: it is
solved exactly as a run of the community alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from matcher._internal.city.inputs import Community, community_order
from matcher._internal.model import Problem, Request, Unassigned, Volunteer
from matcher._internal.solver import Prepared, decompose

PART_PAIRS = 20_000
"""Connected parts smaller than this many candidate pairs are grouped up to it. A part
beyond it stays whole: cutting it would lose the pairs that join it."""


@dataclass(frozen=True)
class Part:
    """An independent piece of one community, ready to be solved on its own."""

    community: Community
    index: int
    problem: Problem
    pairs: int
    prepared: Prepared | None = field(default=None, repr=False, compare=False)
    """What the split built for a part that is its whole community: a run in this process
    hands it back to `solve` instead of building it again."""

    @property
    def size(self) -> int:
        """What its share of the time limit follows: candidate pairs and requests."""
        return self.pairs + len(self.problem.requests)


@dataclass(frozen=True)
class CommunitySplit:
    community: Community
    problem: Problem
    parts: list[Part]
    left_out: list[Unassigned]
    """Requests no volunteer of the community could serve, with their reasons."""

    def lean(self) -> CommunitySplit:
        """The split without the instance and candidates it kept for a whole-community part:
        when the run has other parts too, they would only hold memory."""
        return replace(self, parts=[replace(p, prepared=None) for p in self.parts])


def by_community(problem: Problem) -> dict[Community, Problem]:
    """Each community's volunteers, requests and walking times, in one pass (an empty
    input is one empty community, planned as an empty day)."""
    vols: dict[Community, list[Volunteer]] = {}
    reqs: dict[Community, list[Request]] = {}
    for v in problem.volunteers:
        vols.setdefault(v.community, []).append(v)
    for r in problem.requests:
        reqs.setdefault(r.community, []).append(r)
    names = sorted(vols.keys() | reqs.keys(), key=community_order) or [None]
    return {c: restricted(problem, tuple(vols.get(c, ())), tuple(reqs.get(c, ()))) for c in names}


def split_community(
    problem: Problem, community: Community, *, part_pairs: int = PART_PAIRS
) -> CommunitySplit:
    """Parts of `problem` (one community's), each with at least one request."""
    found = decompose(problem)
    groups = _group(found.pairs, part_pairs)
    if len(groups) <= 1:  # one part: the whole community, solved exactly as on its own
        whole = Part(community, 0, problem, found.prepared.pairs, prepared=found.prepared)
        return CommunitySplit(community, problem, [whole] if problem.requests else [], [])
    part_of = np.full(max(1, found.count), -1, np.int64)
    for g, members in enumerate(groups):
        part_of[members] = g
    request_part = np.where(found.request_part >= 0, part_of[found.request_part], -1)
    volunteer_part = np.where(found.volunteer_part >= 0, part_of[found.volunteer_part], -1)
    parts = []
    for g, members in enumerate(groups):
        vols = tuple(problem.volunteers[v] for v in np.flatnonzero(volunteer_part == g))
        reqs = tuple(problem.requests[r] for r in np.flatnonzero(request_part == g))
        pairs = int(found.pairs[members].sum())
        parts.append(Part(community, g, restricted(problem, vols, reqs), pairs))
    left_out = found.left_out()
    return CommunitySplit(community, problem, parts, left_out)


def _group(pairs: np.ndarray, limit: int) -> list[list[int]]:
    """Connected parts into groups of at most `limit` pairs (a bigger part alone), largest
    first, each into the first group with room: few groups, the big ones first."""
    groups: list[list[int]] = []
    room: list[int] = []
    for p in sorted(range(len(pairs)), key=lambda i: (-int(pairs[i]), i)):
        size = int(pairs[p])
        home = next((g for g, free in enumerate(room) if free >= size), None)
        if home is None:
            groups.append([p])
            room.append(limit - size)
        else:
            groups[home].append(p)
            room[home] -= size
    return [sorted(g) for g in groups]


def restricted(problem: Problem, vols: tuple[Volunteer, ...], reqs: tuple[Request, ...]) -> Problem:
    """`problem` with only these volunteers and requests, and the walking times between
    their places."""
    places = {v.volunteer_id for v in vols} | {r.request_id for r in reqs}
    walks = tuple(
        w for w in problem.walking_times if w.from_place in places and w.to_place in places
    )
    return problem.model_copy(
        update={"volunteers": vols, "requests": reqs, "walking_times": walks, "warnings": ()}
    )
