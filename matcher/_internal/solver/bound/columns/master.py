"""The restricted master LP of the column bound, and the bound its duals prove.

Variables: x_r (request r served, 0..1) and one lambda per known route of a unit (>= 0).
Rows, each true of every valid schedule (its routes cut to units):
- coverage:  sum of the routes holding r = crew_r * x_r
- crews of several: per unit, the routes holding r <= x_r (a volunteer serves once)
- language (crews of several): x_r <= the routes of speakers holding r (a crew of one is
  served by speakers only: `units` leaves the other pairs out)
- convexity: per unit, sum of its lambdas <= 1

The bound is not the master's value but the Lagrangian one: relax every row but convexity
with the master's duals (any duals of the right sign will do), and the rest splits into
each request's max(0, its x profit) and each unit's best route prize, bounded by pricing.
So it holds for every route the master has not seen, and whatever HiGHS's tolerances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from matcher._internal.solver.bound.columns.units import Unit
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance, IntArray


@dataclass(frozen=True)
class Duals:
    """A solved master: its value, the prize of each unit's services, each x's profit."""

    value: float
    prizes: list[list[float]]
    x_profit: np.ndarray
    convexity: np.ndarray  # each unit's convexity dual: a route must beat it to help
    route_values: np.ndarray  # lambda of every known route, in `Master.columns` order

    def bound(self, uppers: list[float]) -> float:
        """The Lagrangian bound, given an upper bound on each unit's best route prize."""
        return float(np.maximum(self.x_profit, 0.0).sum()) + sum(max(0.0, u) for u in uppers)


class Master:
    """The rows over a part's requests and units; routes join as columns."""

    def __init__(
        self, inst: Instance, cands: Candidates, requests: IntArray, units: list[Unit]
    ) -> None:
        self.units = units
        self.weight = inst.r_weight[requests].astype(float)
        n_x = len(requests)
        self.n_x = n_x
        x_of = np.full(inst.n_requests, -1, np.int64)
        x_of[requests] = np.arange(n_x)
        self.x_of = x_of
        crew = inst.r_crew[requests]
        lang = cands.needs_language[requests] & (crew > 1)
        self.lang_row = np.full(n_x, -1, np.int64)
        self.lang_row[lang] = np.arange(int(lang.sum()))
        n_ub = int(lang.sum())
        # per unit and node: its request's x, its own crew row (or -1), whether it speaks
        self.node_x: list[list[int]] = []
        self.pair_row: list[list[int]] = []
        self.speaks: list[list[bool]] = []
        for unit in units:
            xs = [int(x_of[r]) for r in unit.requests]
            rows = []
            for x in xs:
                rows.append(n_ub if crew[x] > 1 else -1)
                n_ub += int(crew[x] > 1)
            self.node_x.append(xs)
            self.pair_row.append(rows)
            self.speaks.append([bool(cands.speaks[p]) for p in unit.pairs])
        self.conv_row = n_ub + np.arange(len(units))
        self.n_ub = n_ub + len(units)
        # x columns: coverage -crew, own crew rows -1, language +1
        eq = (np.arange(n_x), np.arange(n_x), -crew.astype(float))
        pr = [(row, x) for xs, rows in zip(self.node_x, self.pair_row, strict=True)
              for x, row in zip(xs, rows, strict=True) if row >= 0]  # fmt: skip
        ub_r = [row for row, _ in pr] + self.lang_row[lang].tolist()
        ub_c = [x for _, x in pr] + np.flatnonzero(lang).tolist()
        ub_v = [-1.0] * len(pr) + [1.0] * int(lang.sum())
        self._eq: tuple[list[int], list[int], list[float]] = (
            eq[0].tolist(),
            eq[1].tolist(),
            eq[2].tolist(),
        )
        self._ub: tuple[list[int], list[int], list[float]] = (ub_r, ub_c, ub_v)
        self.columns: list[tuple[int, tuple[int, ...]]] = []
        self._known: set[tuple[int, tuple[int, ...]]] = set()

    def add(self, u: int, nodes: tuple[int, ...]) -> bool:
        """Add the route `nodes` (positions in unit u, in visit order); False if known."""
        if not nodes or (u, nodes) in self._known:
            return False
        self._known.add((u, nodes))
        col = self.n_x + len(self.columns)
        self.columns.append((u, nodes))
        eq_r, eq_c, eq_v = self._eq
        ub_r, ub_c, ub_v = self._ub
        for p in nodes:  # a repeated node (an ng-route) counts each time
            x = self.node_x[u][p]
            eq_r.append(x)
            eq_c.append(col)
            eq_v.append(1.0)
            if self.pair_row[u][p] >= 0:
                ub_r.append(self.pair_row[u][p])
                ub_c.append(col)
                ub_v.append(1.0)
            if self.lang_row[x] >= 0 and self.speaks[u][p]:
                ub_r.append(int(self.lang_row[x]))
                ub_c.append(col)
                ub_v.append(-1.0)
        ub_r.append(int(self.conv_row[u]))
        ub_c.append(col)
        ub_v.append(1.0)
        return True

    def solve(self) -> Duals | None:
        """Solve the master; None if HiGHS fails (never expected: x = 0 is feasible)."""
        n_cols = self.n_x + len(self.columns)
        cost = np.zeros(n_cols)
        cost[: self.n_x] = -self.weight
        upper = np.full(n_cols, np.inf)
        upper[: self.n_x] = 1.0
        a_eq = sparse.csr_matrix((self._eq[2], (self._eq[0], self._eq[1])), (self.n_x, n_cols))
        a_ub = sparse.csr_matrix((self._ub[2], (self._ub[0], self._ub[1])), (self.n_ub, n_cols))
        b_ub = np.zeros(self.n_ub)
        b_ub[self.conv_row] = 1.0
        result = linprog(
            cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.zeros(self.n_x),
            bounds=np.column_stack([np.zeros(n_cols), upper]), method="highs",
        )  # fmt: skip
        if result.status != 0:
            return None
        # The master maximises; linprog minimises the negation: its duals are the negated
        # marginals. Inequality duals must be >= 0 for the bound: clip the noise.
        y_eq = -np.asarray(result.eqlin.marginals, dtype=float)
        y_ub = np.maximum(0.0, -np.asarray(result.ineqlin.marginals, dtype=float))
        x_profit = self.weight - a_eq[:, : self.n_x].T @ y_eq - a_ub[:, : self.n_x].T @ y_ub
        prizes = []
        for xs, rows, speaks in zip(self.node_x, self.pair_row, self.speaks, strict=True):
            prizes.append(
                [
                    -y_eq[x] - (y_ub[row] if row >= 0 else 0.0)
                    + (y_ub[self.lang_row[x]] if self.lang_row[x] >= 0 and s else 0.0)
                    for x, row, s in zip(xs, rows, speaks, strict=True)
                ]
            )  # fmt: skip
        return Duals(
            float(-result.fun), prizes, np.asarray(x_profit, dtype=float),
            y_ub[self.conv_row], np.asarray(result.x[self.n_x :], dtype=float),
        )  # fmt: skip
