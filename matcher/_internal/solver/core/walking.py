"""Walking minutes between places, as every solver stage reads them (rules 5 and 6): the
walking-time table where it has the pair, else the great-circle estimate (`geo.Walking`).

With `missing_walks = "error"`, a pair the table lacks is an input error the moment a stage
needs it: reach for every pair whose team and skills match, travel for every two requests a
volunteer could serve in a row.

Why `travel_is_metric` matters: the models check travel between every two of a volunteer's
services, and the bound's route hulls list services without those that may lie between them.
Both are exact only if a walk A -> C never exceeds A -> B, then B, then B -> C. Great-circle
walks obey that; a table may not (truncated or measured times), and then no model proves
optimality and the bound does without route hulls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from matcher._internal.geo import Walking
from matcher._internal.io.errors import InputError, Issue
from matcher._internal.model import Problem
from matcher._internal.solver.core.rules import travel_minutes

FloatArray = np.ndarray
METRIC_CHECK_REQUESTS = 400
"""With a table, the triangle check runs over all requests up to this many (n^3 work);
above it, travel is taken as not metric."""
TRAVEL_MATRIX_REQUESTS = 2_000
"""`travel_matrix` is built for instances of up to this many requests: n^2 int32 minutes,
16 MB at the limit (and a float64 matrix twice that while it is built). Above it (the
15,000-request district would need 900 MB) travel is looked up pair by pair, as before."""


@dataclass
class Walks:
    """Walks from homes to requests and between requests, by volunteer and request index."""

    estimate: Walking
    v_lat: FloatArray
    v_lon: FloatArray
    r_lat: FloatArray
    r_lon: FloatArray
    v_ids: list[str]
    r_ids: list[str]
    min_duration: int
    strict: bool = False
    home: dict[tuple[int, int], float] = field(default_factory=dict)  # (request, volunteer)
    between: dict[tuple[int, int], float] = field(default_factory=dict)  # both ways

    @property
    def has_table(self) -> bool:
        return bool(self.home or self.between)

    def home_matrix(self, rows: np.ndarray) -> FloatArray:
        """Minutes from every volunteer's home to each request in `rows` (rows x volunteers);
        NaN where a strict table lacks the pair."""
        walk = self.estimate.matrix(self.r_lat[rows], self.r_lon[rows], self.v_lat, self.v_lon)
        if not self.has_table:
            return walk
        if self.strict:
            walk[:] = np.nan
        position = {int(r): k for k, r in enumerate(rows)}
        for (r, v), minutes in self.home.items():
            if r in position:
                walk[position[r], v] = minutes
        return walk

    def between_requests(self, i: int, j: int) -> float:
        """Minutes from request i's place to request j's."""
        if i == j:
            return 0.0
        listed = self.between.get((i, j))
        if listed is not None:
            return listed
        if self.strict:
            first, second = sorted((i, j))  # neither way is listed: name them in input order
            raise self.missing(f"{self.r_ids[first]} and {self.r_ids[second]}")
        lat, lon = self.r_lat, self.r_lon
        return self.estimate.minutes_between(
            float(lat[i]), float(lon[i]), float(lat[j]), float(lon[j])
        )

    def between_matrix(self, idx: np.ndarray) -> FloatArray:
        """Minutes between the requests `idx`, all pairs."""
        lat, lon = self.r_lat[idx], self.r_lon[idx]
        walk = self.estimate.matrix(lat, lon, lat, lon)
        if not self.between:
            return walk
        for a, i in enumerate(idx.tolist()):
            for b, j in enumerate(idx.tolist()):
                if a != b:
                    walk[a, b] = self.between_requests(i, j)
        return walk

    @cached_property
    def travel_matrix(self) -> np.ndarray | None:
        """Whole walking minutes (`travel_minutes`) between every two requests, int32, row
        i column j the walk from i to j; None above `TRAVEL_MATRIX_REQUESTS` requests, and
        where a strict table lacks a pair (its error is raised only when a stage needs that
        pair, so the pair-by-pair path keeps answering there)."""
        n = len(self.r_ids)
        if n > TRAVEL_MATRIX_REQUESTS:
            return None
        walk, listed = self._between_and_listed(np.arange(n))
        if self.strict and not listed.all():
            return None
        whole = np.ceil(walk - 1e-9)
        # a float a hair from a whole minute may round either way in numpy's trigonometry:
        # take those few from the scalar path, so the matrix equals `between_requests`
        near = np.argwhere(np.abs(walk - np.rint(walk)) < 1e-6)
        for i, j in near.tolist():
            whole[i, j] = travel_minutes(self.between_requests(i, j))
        return whole.astype(np.int32)

    def _between_and_listed(self, idx: np.ndarray) -> tuple[FloatArray, np.ndarray]:
        """Minutes between the requests `idx` (the table's where it lists the pair, else the
        estimate; 0 from a place to itself) and which pairs that holds without the estimate
        (all when no table is strict)."""
        lat, lon = self.r_lat[idx], self.r_lon[idx]
        walk = self.estimate.matrix(lat, lon, lat, lon)
        np.fill_diagonal(walk, 0.0)
        listed = np.ones(walk.shape, dtype=bool)
        if not self.between:
            return walk, listed
        if self.strict:
            listed[:] = False
            np.fill_diagonal(listed, True)
        position = np.full(len(self.r_ids), -1, dtype=np.int64)
        position[idx] = np.arange(len(idx))
        for (i, j), minutes in self.between.items():
            a, b = position[i], position[j]
            if a >= 0 and b >= 0 and a != b:
                walk[a, b] = minutes
                listed[a, b] = True
        return walk, listed

    def missing(self, pair: str) -> InputError:
        return InputError(
            [
                Issue(
                    "walking table", "", "minutes",
                    f"no walking time between {pair} (settings: missing_walks = error)",
                )
            ]
        )  # fmt: skip

    @cached_property
    def travel_is_metric(self) -> bool:
        """Whether whole-minute travel between requests obeys the triangle inequality up to
        the shortest service: ceil(A->C) <= ceil(A->B) + shortest + ceil(B->C)."""
        if not self.between:
            return True  # the great-circle estimate is a metric
        n = len(self.r_ids)
        if n > METRIC_CHECK_REQUESTS:
            return False
        idx = np.arange(n)
        whole = np.vectorize(travel_minutes, otypes=[np.int64])
        try:
            d = whole(self.between_matrix(idx)).astype(np.int64)
        except InputError:
            return False
        for k in range(n):
            if (d > d[:, k, None] + d[None, k, :] + self.min_duration).any():
                return False
        return True


def build_walks(problem: Problem, estimate: Walking, min_duration: int) -> Walks:
    """The walks of a problem, its walking-time table indexed once."""
    v_index = {v.volunteer_id: i for i, v in enumerate(problem.volunteers)}
    r_index = {r.request_id: i for i, r in enumerate(problem.requests)}
    home: dict[tuple[int, int], float] = {}
    between: dict[tuple[int, int], float] = {}
    for row in problem.walking_times:  # own direction first; a one-way row holds both ways
        a, b, minutes = row.from_place, row.to_place, float(row.minutes)
        if a in r_index and b in r_index:
            between[r_index[a], r_index[b]] = minutes
        elif a in v_index and b in r_index:
            home[r_index[b], v_index[a]] = minutes
        elif a in r_index and b in v_index:
            home.setdefault((r_index[a], v_index[b]), minutes)
    for (i, j), minutes in list(between.items()):
        between.setdefault((j, i), minutes)
    vols, reqs = problem.volunteers, problem.requests
    return Walks(
        estimate=estimate,
        v_lat=np.array([v.lat for v in vols], dtype=float),
        v_lon=np.array([v.lon for v in vols], dtype=float),
        r_lat=np.array([r.lat for r in reqs], dtype=float),
        r_lon=np.array([r.lon for r in reqs], dtype=float),
        v_ids=list(v_index),
        r_ids=list(r_index),
        min_duration=min_duration,
        strict=bool(problem.walking_times) and problem.settings.missing_walks == "error",
        home=home,
        between=between,
    )
