"""A proven upper bound on the served priority weight from a linear relaxation.

Variables: x_r (request r served, 0..1) and y_rv (volunteer v in r's crew, 0..1) over the
candidate pairs. Every constraint below holds for every valid schedule, so the LP optimum
bounds the best schedule's weight from above; travel times are left out of all but the
route hulls (a relaxation).

- crew:       sum_v y_rv = crew_r * x_r, and y_rv <= x_r
- language:   sum of speakers' y_rv >= x_r
- day:        per volunteer and day, sum of d_r y_rv <= min(minute cap, available minutes),
              sum of y_rv <= task cap
- interval:   per availability interval, the minutes of requests that fit only inside it
              are at most its length
- clique:     requests whose fixed core [latest_start, earliest_start + duration) overlap
              cannot share a volunteer: sum y_rv <= 1 over every such overlapping set
- route hull: for volunteer-days with at most ROUTES_PER_DAY feasible routes (windows,
              availability, walks between tasks, both caps), y on that day is a mix of
              those routes: y_rv = sum of the route shares holding r, shares sum to <= 1

Solved with HiGHS through scipy from sparse matrices, per connected part of the
request-volunteer graph so each team's share of the bound is visible.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from matcher._internal.solver.bound.lagrangian import lagrangian_bound
from matcher._internal.solver.bound.route_hulls import Hulls, route_hulls
from matcher._internal.solver.core.candidates import Candidates, linked_parts
from matcher._internal.solver.core.instance import DAY_KEY, Instance, IntArray
from matcher._internal.solver.core.rules import start_window


@dataclass(frozen=True)
class Bound:
    """The overall bound and each part's, with the requests of every part."""

    total: int
    part_of_request: IntArray  # -1: request not servable at all
    part_bounds: list[float]
    prices: np.ndarray | None = None  # the crew-row multipliers, where they were computed


def _floor(value: float) -> int:
    # HiGHS works to 1e-7 feasibility; weights are whole numbers, so round down safely.
    return math.floor(value + 1e-6)


FULL_LP_PAIRS = 400_000
"""Above this many candidate pairs the full relaxation is too slow; the Lagrangian bound
(priced by the crew-and-minutes relaxation, pairs priced in) is used instead."""
NEAREST_PAIRS = 12
ROUTES_PER_DAY = 1000
"""Volunteer-days with at most this many feasible routes are held to the hull of those
routes (see `bound.route_hulls`); the rest keep only the plain rows."""
HULL_SHARE = 0.25
"""Of the time left when the bound starts, the share route hulls may take: the relaxation
still has to be solved after them, and it grows with every route."""


def lp_bound(inst: Instance, cands: Candidates, deadline: float | None = None) -> Bound:
    """Solve the relaxation per connected part of the candidate graph. `deadline` (a
    `time.perf_counter()` reading) limits the pricing rounds of large instances and, to a
    share of the time left, the search for route hulls."""
    servable = cands.servable(inst.r_crew)
    if cands.n_pairs > FULL_LP_PAIRS:
        return _priced_bound(inst, cands, servable, deadline)
    hull_deadline = None
    if deadline is not None:
        now = time.perf_counter()
        hull_deadline = now + HULL_SHARE * max(0.0, deadline - now)
    parts = linked_parts(cands, inst.n_volunteers, servable)
    part_of_request = parts.of_request
    part_bounds = []
    for i in range(parts.count):
        requests = np.flatnonzero(part_of_request == i)
        part_bounds.append(_solve_part(inst, cands, requests, hull_deadline))
    return Bound(_floor(sum(part_bounds)), part_of_request, part_bounds)


def _priced_bound(
    inst: Instance, cands: Candidates, servable: np.ndarray, deadline: float | None
) -> Bound:
    prices = request_prices(inst, cands, servable, deadline)
    value = lagrangian_bound(inst, cands, prices, servable)
    part = np.where(servable, 0, -1).astype(np.int64)
    total = min(_floor(value), int(inst.r_weight[servable].sum()))
    return Bound(total, part, [value], prices=prices)


def request_prices(
    inst: Instance, cands: Candidates, servable: np.ndarray, deadline: float | None = None
) -> np.ndarray:
    """Multipliers for the crew equations: the duals of the relaxation with crew and
    daily-minute rows only (the structure the Lagrangian bound prices), solved over a
    growing subset of pairs.

    It starts from each request's nearest pairs and adds the pairs whose reduced cost says
    they would raise the relaxation, until the Lagrangian bound at the current duals (valid
    for all pairs) meets the relaxation's value over the pairs so far: the duals are then
    optimal for all pairs. Any multipliers give a valid bound, so stopping early (the
    rounds or the time run out) only loosens it.
    """
    requests = np.flatnonzero(servable)
    prices = np.zeros(inst.n_requests)
    if len(requests) == 0:
        return prices
    prices[requests] = inst.r_weight[requests] / inst.r_crew[requests]
    best = lagrangian_bound(inst, cands, prices, servable)
    starts, ends = cands.indptr[requests], cands.indptr[requests + 1]
    nearest = np.minimum(ends, starts + np.maximum(NEAREST_PAIRS, inst.r_crew[requests] * 3))
    pair_idx = _spans(starts, nearest)
    every_pair = np.flatnonzero(servable[cands.pair_request])
    in_lp = np.zeros(cands.n_pairs, dtype=bool)
    for _ in range(PRICING_ROUNDS):
        began = time.perf_counter()
        in_lp[pair_idx] = True
        solution = _solve_lp(inst, cands, requests, pair_idx, simple=True)
        if solution.crew_duals is None:
            break
        trial = np.zeros(inst.n_requests)
        trial[requests] = solution.crew_duals
        value = lagrangian_bound(inst, cands, trial, servable)
        if value < best:
            best, prices = value, trial
        if best - solution.value < 0.5:  # within half a weight unit: nothing left to gain
            break
        outside = every_pair[~in_lp[every_pair]]
        entering = _most_attractive(
            cands, outside, solution.reduced_costs(inst, cands, requests, outside)
        )
        if len(entering) == 0:
            break
        pair_idx = np.sort(np.concatenate([pair_idx, entering]))
        # Another round would take about as long as this one: start it only if it fits.
        if deadline is not None and 2 * time.perf_counter() - began > deadline:
            break
    return prices


PRICING_ROUNDS = 8
"""Rounds of adding pairs to the relaxation behind the multipliers. Measured at 5,000
volunteers (790,000 pairs): the relaxation over all pairs at once takes 72 s; priced in,
five rounds (15 s) reach the same value. At 10,000 volunteers eight rounds (71 s) come
within 0.5 of it."""


ENTERING_PER_REQUEST = 4
"""At most this many pairs join per request and round, the most attractive first. Measured at
10,000 volunteers: letting every attractive pair in at once tripled the relaxation (60 s
per solve instead of 5-8 s) and took 188 s to converge instead of 71 s."""


def _most_attractive(cands: Candidates, pairs: IntArray, reduced: np.ndarray) -> IntArray:
    """The pairs with negative reduced cost, at most ENTERING_PER_REQUEST per request."""
    attractive = np.flatnonzero(reduced < -1e-7)
    pairs, reduced = pairs[attractive], reduced[attractive]
    request = cands.pair_request[pairs]
    order = np.lexsort((reduced, request))
    pairs, request = pairs[order], request[order]
    first = np.r_[0, np.flatnonzero(np.diff(request)) + 1]
    rank = np.arange(len(pairs)) - np.repeat(first, np.diff(np.r_[first, len(pairs)]))
    return np.asarray(pairs[rank < ENTERING_PER_REQUEST], dtype=np.int64)


def _spans(starts: IntArray, ends: IntArray) -> IntArray:
    """The pair indices starts[i]:ends[i] for every i, concatenated."""
    return np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])


def _solve_part(
    inst: Instance, cands: Candidates, requests: IntArray, hull_deadline: float | None = None
) -> float:
    pair_idx = _spans(cands.indptr[requests], cands.indptr[requests + 1])
    return _solve_lp(inst, cands, requests, pair_idx, hull_deadline=hull_deadline).value


@dataclass(frozen=True)
class _Solution:
    """A relaxation's value and, when it solved, the duals pair pricing needs: per crew row
    (aligned with the requests) and per daily-minutes row (by volunteer-day key, sorted)."""

    value: float
    crew_duals: np.ndarray | None = None
    day_keys: IntArray | None = None
    day_duals: np.ndarray | None = None

    def reduced_costs(
        self, inst: Instance, cands: Candidates, requests: IntArray, pairs: IntArray
    ) -> np.ndarray:
        """Reduced cost (in the solver's minimising form) of each pair's y column: negative
        means adding the pair would raise the relaxation's value."""
        assert self.crew_duals is not None and self.day_keys is not None
        assert self.day_duals is not None
        row_of = np.full(inst.n_requests, -1, np.int64)
        row_of[requests] = np.arange(len(requests))
        r = cands.pair_request[pairs]
        cost = -self.crew_duals[row_of[r]]
        key, one_day = inst.volunteer_days(r, cands.vol[pairs])
        at = np.searchsorted(self.day_keys, key)
        has_row = np.flatnonzero(one_day & (at < len(self.day_keys)))
        has_row = has_row[self.day_keys[at[has_row]] == key[has_row]]
        cost[has_row] -= inst.r_duration[r[has_row]] * self.day_duals[at[has_row]]
        return cost


def _solve_lp(
    inst: Instance,
    cands: Candidates,
    requests: IntArray,
    pair_idx: IntArray,
    simple: bool = False,
    hull_deadline: float | None = None,
) -> _Solution:
    """The relaxation over `requests` with the pairs `pair_idx` (each belonging to one of
    them). `simple` keeps only the crew and daily-minute rows: exactly the structure the
    Lagrangian bound prices; otherwise route hulls are searched until `hull_deadline`."""
    pair_r = cands.pair_request[pair_idx]
    pair_v = cands.vol[pair_idx]
    if len(requests) == 1 or len(pair_idx) == 0:
        return _Solution(float(inst.r_weight[requests].sum()))
    n_x, n_y = len(requests), len(pair_idx)
    hulls = None if simple else route_hulls(inst, pair_r, pair_v, ROUTES_PER_DAY, hull_deadline)
    n_cols = n_x + n_y + (hulls.n_routes if hulls is not None else 0)
    x_of = np.full(inst.n_requests, -1, np.int64)
    x_of[requests] = np.arange(n_x)
    pair_x = x_of[pair_r]
    y_col = n_x + np.arange(n_y)

    rows = _Rows(n_cols)
    # crew: sum y - crew x = 0
    eq = _Rows(n_cols)
    eq.add_group(pair_x, y_col, np.ones(n_y))
    eq.add_diagonal_cols(np.arange(n_x), np.arange(n_x), -inst.r_crew[requests].astype(float))
    day_keys = _add_day_rows(inst, rows, pair_r, pair_v, y_col, with_tasks=not simple)
    if not simple:
        # y <= x
        rows.add_pairs(y_col, np.arange(n_y), 1.0, pair_x, -1.0, rhs=0.0)
        # language: x - sum speakers y <= 0
        lang = cands.needs_language[requests]
        if lang.any():
            speaking = cands.speaks[pair_idx] & lang[pair_x]
            rows.add_language(np.flatnonzero(lang), pair_x, y_col, speaking)
        _add_interval_rows(inst, rows, pair_r, pair_v, y_col)
        _add_clique_rows(inst, rows, pair_r, pair_v, y_col)
    if hulls is not None:
        _add_hull_rows(hulls, rows, eq, y_col, n_x + n_y)

    cost = np.zeros(n_cols)
    cost[:n_x] = -inst.r_weight[requests]
    result = linprog(
        cost,
        A_ub=rows.matrix(),
        b_ub=rows.rhs(),
        A_eq=eq.matrix(),
        b_eq=eq.rhs(),
        bounds=(0.0, 1.0),
        method="highs",
    )
    if result.status != 0:  # never expected; fall back to the trivially valid bound
        return _Solution(float(inst.r_weight[requests].sum()))
    # The daily-minute rows come first among the inequalities (see _add_day_rows).
    return _Solution(
        float(-result.fun),
        np.asarray(result.eqlin.marginals, dtype=float)[:n_x],
        day_keys,
        np.asarray(result.ineqlin.marginals, dtype=float)[: len(day_keys)],
    )


class _Rows:
    """Sparse rows built in bulk: (row, column, value) triplets plus right-hand sides."""

    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.r: list[IntArray] = []
        self.c: list[IntArray] = []
        self.v: list[np.ndarray] = []
        self.b: list[np.ndarray] = []
        self.count = 0

    def add_group(
        self, group: IntArray, cols: IntArray, vals: np.ndarray, rhs: np.ndarray | None = None
    ) -> IntArray:
        """Rows numbered by `group` (0..k-1): row g holds cols[group == g]."""
        k = int(group.max()) + 1 if len(group) else 0
        self.r.append(self.count + group)
        self.c.append(cols)
        self.v.append(vals.astype(float))
        self.b.append(np.zeros(k) if rhs is None else rhs.astype(float))
        first = self.count
        self.count += k
        return np.arange(first, first + k)

    def add_pairs(
        self,
        col_a: IntArray,
        group: IntArray,
        val_a: float,
        col_b: IntArray,
        val_b: float,
        rhs: float,
    ) -> None:
        n = len(col_a)
        self.add_group(group, col_a, np.full(n, val_a), np.full(n, rhs))
        self.add_diagonal_cols(group, col_b, np.full(n, val_b))

    def add_diagonal_cols(self, group: IntArray, cols: IntArray, vals: np.ndarray) -> None:
        first = self.count - len(self.b[-1])
        self.r.append(first + group)
        self.c.append(cols)
        self.v.append(vals.astype(float))

    def add_language(
        self, needing: IntArray, pair_x: IntArray, y_col: IntArray, speaking: np.ndarray
    ) -> None:
        row_of = np.full(int(pair_x.max()) + 1, -1, np.int64)
        row_of[needing] = np.arange(len(needing))
        self.add_group(np.arange(len(needing)), needing, np.ones(len(needing)))
        sel = np.flatnonzero(speaking)
        self.add_diagonal_cols(row_of[pair_x[sel]], y_col[sel], -np.ones(len(sel)))

    def matrix(self) -> sparse.csr_matrix:
        if not self.v:  # no rows of this kind (say, no pair counts toward a single day)
            return sparse.csr_matrix((0, self.n_cols))
        return sparse.csr_matrix(
            (np.concatenate(self.v), (np.concatenate(self.r), np.concatenate(self.c))),
            shape=(self.count, self.n_cols),
        )

    def rhs(self) -> np.ndarray:
        return np.concatenate(self.b) if self.b else np.zeros(0)


def _add_day_rows(
    inst: Instance,
    rows: _Rows,
    pair_r: IntArray,
    pair_v: IntArray,
    y_col: IntArray,
    with_tasks: bool = True,
) -> IntArray:
    """Per volunteer and day: minutes and tasks within the caps and the availability.
    Returns the volunteer-day key of each minutes row, in row order (sorted)."""
    keys, one_day = inst.volunteer_days(pair_r, pair_v)
    sel = np.flatnonzero(one_day)
    if len(sel) == 0:
        return np.zeros(0, np.int64)
    uniq, group = np.unique(keys[sel], return_inverse=True)
    vol = uniq // DAY_KEY
    minutes_cap = inst.day_capacity(uniq)
    rows.add_group(group, y_col[sel], inst.r_duration[pair_r[sel]].astype(float), minutes_cap)
    capped = inst.v_max_tasks[vol] < 10**6
    if with_tasks and capped.any():
        keep = capped[group]
        regroup = np.cumsum(capped) - 1
        rows.add_group(
            regroup[group[keep]],
            y_col[sel[keep]],
            np.ones(int(keep.sum())),
            inst.v_max_tasks[vol[capped]].astype(float),
        )
    return np.asarray(uniq, dtype=np.int64)


def _add_hull_rows(hulls: Hulls, rows: _Rows, eq: _Rows, y_col: IntArray, first: int) -> None:
    """Each linked pair's y is the share of its volunteer-day's routes that hold it, and the
    routes of a volunteer-day share one day: the day's choice lies in the hull of its real
    routes. Route columns start at `first`."""
    if hulls.n_routes == 0:
        return
    route_col = first + np.arange(hulls.n_routes)
    link_row = np.full(len(y_col), -1, np.int64)
    link_row[hulls.linked_pairs] = np.arange(len(hulls.linked_pairs))
    eq.add_group(np.arange(len(hulls.linked_pairs)), y_col[hulls.linked_pairs],
                 np.ones(len(hulls.linked_pairs)))  # fmt: skip
    eq.add_diagonal_cols(
        link_row[hulls.entry_pair], route_col[hulls.entry_route], -np.ones(len(hulls.entry_pair))
    )
    rows.add_group(hulls.route_day, route_col, np.ones(hulls.n_routes), np.ones(hulls.n_days))


def _add_interval_rows(
    inst: Instance, rows: _Rows, pair_r: IntArray, pair_v: IntArray, y_col: IntArray
) -> None:
    """Requests that fit only one availability interval of v share that interval's minutes."""
    ptr = inst.a_ptr
    counts = ptr[pair_v + 1] - ptr[pair_v]
    width = int(counts.max()) if len(counts) else 0
    only = np.full(len(pair_r), -1, np.int64)
    n_fit = np.zeros(len(pair_r), np.int64)
    d, es, ls = inst.r_duration[pair_r], inst.r_earliest[pair_r], inst.r_latest[pair_r]
    for k in range(width):
        has = counts > k
        idx = np.where(has, ptr[pair_v] + k, 0)
        lo, hi = start_window(es, ls, d, inst.a_start[idx], inst.a_end[idx])
        fits = has & (lo <= hi)
        only = np.where(fits, idx, only)
        n_fit += fits
    sel = np.flatnonzero(n_fit == 1)
    if len(sel) == 0:
        return
    uniq, group = np.unique(only[sel], return_inverse=True)
    length = (inst.a_end[uniq] - inst.a_start[uniq]).astype(float)
    rows.add_group(group, y_col[sel], d[sel].astype(float), length)


def _add_clique_rows(
    inst: Instance, rows: _Rows, pair_r: IntArray, pair_v: IntArray, y_col: IntArray
) -> None:
    """At most one of the requests whose fixed cores overlap, per volunteer."""
    core_lo = inst.r_latest[pair_r]
    core_hi = inst.r_earliest[pair_r] + inst.r_duration[pair_r]
    has_core = np.flatnonzero(core_lo < core_hi)
    order = has_core[np.lexsort((core_lo[has_core], pair_v[has_core]))]
    groups: list[IntArray] = []
    cols: list[IntArray] = []
    n = 0
    start = 0
    while start < len(order):
        v = pair_v[order[start]]
        stop = start
        while stop < len(order) and pair_v[order[stop]] == v:
            stop += 1
        members = order[start:stop]
        lo, hi = core_lo[members], core_hi[members]
        seen: set[tuple[int, ...]] = set()
        for p in lo:
            inside = members[(lo <= p) & (p < hi)]
            if len(inside) >= 2:
                key = tuple(inside.tolist())
                if key not in seen:
                    seen.add(key)
                    groups.append(np.full(len(inside), n))
                    cols.append(y_col[inside])
                    n += 1
        start = stop
    if n:
        rows.add_group(
            np.concatenate(groups),
            np.concatenate(cols),
            np.ones(sum(len(c) for c in cols)),
            np.ones(n),
        )


def team_bounds(
    inst: Instance,
    cands: Candidates,
    prices: np.ndarray | None = None,
    deadline: float | None = None,
) -> dict[str, int]:
    """A bound per team (requests naming no team form the group "any"): the Lagrangian bound
    over that team's requests alone, priced once for all teams. Leaving out competing
    requests only loosens a relaxation, so each is a valid bound for its team; pricing once
    keeps all ten within about a second at 2,000 volunteers. `prices` already computed for
    the overall bound are reused."""
    servable = cands.servable(inst.r_crew)
    if prices is None:
        prices = request_prices(inst, cands, servable, deadline)
    out: dict[str, int] = {}
    for code, team in [*((c, i) for i, c in enumerate(inst.team_codes)), ("any", -1)]:
        mask = servable & (inst.r_team == team)
        if mask.any():
            value = lagrangian_bound(inst, cands, prices, mask)
            out[code] = min(_floor(value), int(inst.r_weight[mask].sum()))
    return out
