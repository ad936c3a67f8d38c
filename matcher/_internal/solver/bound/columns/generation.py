"""Column generation per connected part: master, pricing, and the best bound so far.

Each round solves the restricted master (`master`), prices every unit (`pricing`) at its
duals, and states the Lagrangian bound: the master's x profits plus each unit's bound on
its best route prize. That holds at every round, converged or not, so the best (lowest)
bound over the rounds is kept and the loop may stop at any time: the deadline, a stop
request, or a round budget (deterministic runs, which never read the clock).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from matcher._internal.solver.bound.columns.master import Duals, Master
from matcher._internal.solver.bound.columns.pricing import knapsack_upper, price_unit
from matcher._internal.solver.bound.columns.units import Unit, build_units
from matcher._internal.solver.bound.relaxation import Bound
from matcher._internal.solver.core.candidates import Candidates, linked_parts
from matcher._internal.solver.core.instance import Instance, IntArray

ROUNDS = 40
"""Master solves per part at most; deterministic runs stop here (or on convergence)."""
LABEL_LIMIT = 4000
"""Labels per unit and pricing search; past it pricing bounds instead of solving."""
LABEL_GROWTH = 16
"""A round that adds no route doubles the label limit, up to this multiple of the first."""
PART_PAIRS = 20_000
"""Parts with more candidate pairs are left to the other bounds. Measured on the tight day
(one part of 125,000 pairs, units of up to 693 services): building the units took 16 s and
one pricing round 450 s of Python, which would also hold the interpreter from the search."""
IMPROVING = 1e-6
"""A route joins the master when its prize beats its unit's convexity dual by this."""

VolunteerRoute = tuple[int, tuple[int, ...]]
"""A volunteer and the requests they serve, in visit order."""


@dataclass(frozen=True)
class ColumnBound:
    """The bound per part (the parts of `linked_parts` over the servable requests; a part
    not worked on keeps the weight of its requests), their floored sum, and the routes
    the last masters used (a lead for the search)."""

    total: int
    part_of_request: IntArray
    part_bounds: list[float]
    routes: list[VolunteerRoute]
    rounds: int
    converged: bool  # every part worked on reached its master's value: no route is missing


def column_bound(
    inst: Instance,
    cands: Candidates,
    *,
    deadline: float | None = None,
    rounds: int = ROUNDS,
    routes: Sequence[VolunteerRoute] = (),
    stop: Callable[[], bool] | None = None,
    part_pairs: int = PART_PAIRS,
    label_limit: int = LABEL_LIMIT,
    label_budget: int | None = None,
) -> ColumnBound:
    """Column generation over every part of at most `part_pairs` pairs, round-robin, until
    each converges, `rounds` pass, `deadline` (a `time.perf_counter()` reading), `stop()`
    or more than `label_budget` pricing labels (work: what deterministic runs count).
    `routes` (say, the search's schedule) start the masters beside one-service routes."""
    servable = cands.servable(inst.r_crew)
    parts = linked_parts(cands, inst.n_volunteers, servable)
    bounds = [0.0] * parts.count
    work: list[_Part] = []
    for i in range(parts.count):
        requests = np.flatnonzero(parts.of_request == i)
        bounds[i] = float(inst.r_weight[requests].sum())
        spans = [np.arange(cands.indptr[r], cands.indptr[r + 1]) for r in requests]
        pairs = np.concatenate(spans) if spans else np.zeros(0, np.int64)
        if 0 < len(pairs) <= part_pairs and len(requests) > 1:
            work.append(_Part(i, inst, cands, requests, pairs, routes, label_limit))

    def halted() -> bool:
        late = deadline is not None and time.perf_counter() > deadline
        spent = label_budget is not None and sum(p.labels for p in work) > label_budget
        return late or spent or (stop is not None and stop())

    done = 0
    while done < rounds:
        open_parts = [p for p in work if not p.converged]
        if not open_parts or halted():
            break
        done += 1
        for part in open_parts:
            part.step(halted)
            bounds[part.index] = min(bounds[part.index], part.best)
    found = [r for part in work for r in part.used_routes()]
    converged = all(p.proven for p in work)
    return ColumnBound(_floor(sum(bounds)), parts.of_request, bounds, found, done, converged)


def _floor(value: float) -> int:
    # HiGHS works to 1e-7; weights are whole numbers, so round down with a margin.
    return math.floor(value + 1e-6)


class _Part:
    """One part's master, units and best bound."""

    def __init__(
        self,
        index: int,
        inst: Instance,
        cands: Candidates,
        requests: IntArray,
        pairs: IntArray,
        routes: Sequence[VolunteerRoute],
        label_limit: int,
    ) -> None:
        self.index = index
        self.label_limit = self.base_limit = label_limit
        self.units: list[Unit] = build_units(inst, cands, pairs)
        self.master = Master(inst, cands, requests, self.units)
        self.best = float(inst.r_weight[requests].sum())
        self.converged = self.proven = False
        self.last: Duals | None = None
        self.overflowed: set[int] = set()  # units whose elementary labels overflowed
        self.labels = 0
        for u, unit in enumerate(self.units):
            for p in range(unit.size):
                self.master.add(u, (p,))
        self._warm(routes)

    def _warm(self, routes: Sequence[VolunteerRoute]) -> None:
        """Each given route, cut into its units' stretches, joins the master."""
        node_of: dict[tuple[int, int], tuple[int, int]] = {}
        for u, unit in enumerate(self.units):
            for p, r in enumerate(unit.requests):
                node_of[unit.volunteer, r] = (u, p)
        for v, visits in routes:
            stretch: dict[int, list[int]] = {}
            for r in visits:
                if (v, r) in node_of:
                    u, p = node_of[v, r]
                    stretch.setdefault(u, []).append(p)
            for u, nodes in stretch.items():
                self.master.add(u, tuple(nodes))

    def step(self, halted: Callable[[], bool]) -> None:
        """One round: solve the master, price every unit, keep the bound, add routes."""
        duals = self.master.solve()
        if duals is None:
            self.converged = True
            return
        self.last = duals
        uppers: list[float] = []
        added = 0
        for u, unit in enumerate(self.units):
            prizes = duals.prizes[u]
            if halted():  # out of time: the cheap bound keeps this round's bound valid
                uppers.append(knapsack_upper(unit, prizes))
                continue
            priced = price_unit(
                unit, prizes, label_limit=self.label_limit, halted=halted,
                elementary=u not in self.overflowed,
            )  # fmt: skip
            self.labels += priced.labels
            if not priced.exact:
                self.overflowed.add(u)
            uppers.append(priced.upper)
            for value, nodes in priced.routes:
                if value > duals.convexity[u] + IMPROVING:
                    added += self.master.add(u, nodes)
        self.best = min(self.best, duals.bound(uppers))
        if _floor(self.best) <= _floor(duals.value):
            self.converged = self.proven = True  # no master over more routes floors lower
        elif added == 0:  # pricing bounded, not solved, and found nothing: search deeper
            if not self.overflowed or self.label_limit >= LABEL_GROWTH * self.base_limit:
                self.converged = True
            self.label_limit *= 2

    def used_routes(self) -> list[VolunteerRoute]:
        """The elementary routes the last master gave a positive share."""
        if self.last is None:
            return []
        out = []
        for k in np.flatnonzero(self.last.route_values > 1e-6).tolist():
            u, nodes = self.master.columns[k]
            if len(set(nodes)) == len(nodes):
                unit = self.units[u]
                out.append((unit.volunteer, tuple(unit.requests[p] for p in nodes)))
        return out


def combined_total(lp: Bound, found: ColumnBound) -> int:
    """The lower of the two bounds, part by part where both split the same parts (the full
    relaxation does; the priced one, for very large instances, states one total)."""
    same = len(lp.part_bounds) == len(found.part_bounds) and np.array_equal(
        lp.part_of_request, found.part_of_request
    )
    if not same:
        return min(lp.total, found.total)
    parts = sum(min(a, b) for a, b in zip(lp.part_bounds, found.part_bounds, strict=True))
    return min(lp.total, found.total, _floor(parts))
