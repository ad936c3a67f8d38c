"""Pricing units: the candidate services one volunteer could chain into one route.

A unit is a volunteer and a run of calendar days: the service days any of its candidate
starts may fall on, days joined where one request's starts may fall on either (a window
across midnight). Every real schedule of the volunteer, cut to one unit's requests, is one
contiguous stretch of their day (services are in start order, and a unit's starts lie on its
days only), so consecutive services there are consecutive in the real schedule: walks
between consecutive services are the real rule, whether or not walks obey the triangle
inequality. Walks between units, and crews starting together, are left out (a relaxation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matcher._internal.io.errors import InputError
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance, IntArray
from matcher._internal.solver.core.rules import service_day, start_window

Ranges = list[tuple[int, int]]


@dataclass(frozen=True)
class Unit:
    """What pricing needs of one unit, as plain lists (read one element at a time)."""

    volunteer: int
    requests: tuple[int, ...]  # node -> request index
    pairs: tuple[int, ...]  # node -> candidate pair index
    duration: list[int]
    ranges: list[Ranges]  # node -> sorted start ranges, one per availability interval
    walk: list[list[int]]  # whole minutes node -> node, never above the real travel
    minutes_cap: int
    tasks_cap: int
    metric: bool  # dropping a service keeps a route feasible (see `core.walking`)

    @property
    def size(self) -> int:
        return len(self.requests)

    @property
    def multi_day(self) -> bool:
        first = service_day(min(r[0][0] for r in self.ranges))
        return bool(first != service_day(max(r[-1][1] for r in self.ranges)))


def build_units(inst: Instance, cands: Candidates, pairs: IntArray) -> list[Unit]:
    """The units over the candidate pairs `pairs`, ordered by volunteer then day. A crew of
    one that needs a language only its speakers can serve: other pairs are left out."""
    pair_r = cands.pair_request[pairs]
    alone = (inst.r_crew[pair_r] == 1) & cands.needs_language[pair_r]
    pairs = pairs[~alone | cands.speaks[pairs]]
    pairs = pairs[np.lexsort((cands.pair_request[pairs], cands.vol[pairs]))]
    vols = cands.vol[pairs]
    units: list[Unit] = []
    cuts = np.flatnonzero(np.diff(vols)) + 1
    for group in np.split(pairs, cuts) if len(pairs) else []:
        units.extend(_volunteer_units(inst, cands, group))
    return units


def _volunteer_units(inst: Instance, cands: Candidates, pairs: IntArray) -> list[Unit]:
    v = int(cands.vol[pairs[0]])
    requests = cands.pair_request[pairs]
    ranges = _start_ranges(inst, requests, v)
    keep = [k for k, r in enumerate(ranges) if r]
    if not keep:
        return []
    first = [service_day(ranges[k][0][0]) for k in keep]
    last = [service_day(ranges[k][-1][1]) for k in keep]
    order = sorted(range(len(keep)), key=lambda i: (first[i], last[i]))
    groups: list[list[int]] = []
    reach = -1
    for i in order:  # day spans that share a day share a unit
        if groups and first[i] <= reach:
            groups[-1].append(keep[i])
            reach = max(reach, last[i])
        else:
            groups.append([keep[i]])
            reach = last[i]
    out = []
    for members in groups:
        members.sort()
        reqs = requests[members]
        out.append(
            Unit(
                volunteer=v,
                requests=tuple(int(r) for r in reqs),
                pairs=tuple(int(p) for p in pairs[members]),
                duration=[int(d) for d in inst.r_duration[reqs]],
                ranges=[ranges[k] for k in members],
                walk=whole_walks(inst, reqs),
                minutes_cap=int(inst.v_max_minutes[v]),
                tasks_cap=int(inst.v_max_tasks[v]),
                metric=inst.walks.travel_is_metric,
            )
        )
    return out


def _start_ranges(inst: Instance, requests: IntArray, v: int) -> list[Ranges]:
    """Per request, its start ranges inside v's availability intervals (rule 4)."""
    a = np.arange(int(inst.a_ptr[v]), int(inst.a_ptr[v + 1]))
    lo, hi = start_window(
        inst.r_earliest[requests][:, None], inst.r_latest[requests][:, None],
        inst.r_duration[requests][:, None], inst.a_start[a][None, :], inst.a_end[a][None, :],
    )  # fmt: skip
    return [
        [(int(a_), int(b_)) for a_, b_ in zip(row_lo, row_hi, strict=True) if a_ <= b_]
        for row_lo, row_hi in zip(lo.tolist(), hi.tolist(), strict=True)
    ]


def whole_walks(inst: Instance, requests: IntArray) -> list[list[int]]:
    """Whole walking minutes between the requests, rounded down by a hair more than the
    schedule rounds (float noise never makes this stricter than rule 6). A strict
    walking-time table that lacks a pair counts it as no walk at all: only looser."""
    try:
        minutes = inst.walks.between_matrix(requests)
    except InputError:
        minutes = np.zeros((len(requests), len(requests)))
        for a, i in enumerate(requests.tolist()):
            for b, j in enumerate(requests.tolist()):
                minutes[a, b] = inst.walks.between.get((i, j), 0.0)
    return [[max(0, math.ceil(m - 1e-6)) for m in row] for row in minutes.tolist()]
