"""Pricing: the best route of one unit (see `units`) for given prizes per service.

The column bound needs, for every unit, an upper bound on the largest total prize of any of
its routes (a route: services in start order, each inside one availability interval and its
window, walks between consecutive ones, both daily caps of rule 7 per service day). It is
found exactly by label setting where the labels stay under a limit; where they do not, a
valid upper bound is returned instead (the bound stays sound, only looser):

- elementary labels (node, start, day, minutes and tasks of that day, visited set, prize),
  processed in start order, one dominating another when it is at the same node no later,
  with no more load, a visited subset and at least the prize. Every label is also a route
  (a route may end anywhere). A label is dropped when its prize plus an optimistic
  completion cannot beat the best route so far. Stopped at the limit, the best route so far
  and every open label's prize plus completion bound all routes.
- past the limit, the same search over ng-routes (a service may repeat unless it is among
  the few nearest of every service since its last visit): a relaxation with far fewer
  labels, exact or bounded the same way.
- a knapsack per day over the positive prizes (minutes cap, task cap), a cheap bound taken
  whenever it is lower.

Where walks obey the triangle inequality, services of prize <= 0 are left out: dropping
them from a route keeps it feasible and does not lower its prize.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from matcher._internal.solver.bound.columns.units import Ranges, Unit
from matcher._internal.solver.core.rules import day_starts, service_day, within_day_caps

EPS = 1e-9
NG_SIZE = 8
"""ng-route memory: each service remembers this many nearest services (itself included)."""
HALT_CHECK = 512
"""Labels between two looks at the stop request."""


@dataclass(frozen=True)
class Priced:
    """`upper`: no route of the unit has a larger total prize (>= 0: the empty route).
    `routes`: the best routes found, as node positions in visit order, best first."""

    upper: float
    routes: list[tuple[float, tuple[int, ...]]]
    exact: bool
    labels: int = 0  # labels the searches kept: the work done


def price_unit(
    unit: Unit,
    prizes: list[float],
    *,
    label_limit: int,
    keep: int = 3,
    ng: int = NG_SIZE,
    elementary: bool = True,
    halted: Callable[[], bool] | None = None,
) -> Priced:
    """The best routes of `unit` under `prizes` and an upper bound on their total prize.
    `elementary=False` goes straight to ng-routes (elementary labels overflowed before);
    `halted()` true stops a search early, which only loosens its bound."""
    cheap = knapsack_upper(unit, prizes)
    if cheap <= EPS:
        return Priced(0.0, [], True)
    if unit.metric:
        active = [j for j in range(unit.size) if prizes[j] > EPS]
    else:  # a service of no prize may still shorten the walk between two others
        active = list(range(unit.size))
    upper, routes, labels = cheap, [], 0
    if elementary or ng >= len(active):
        everything = (1 << unit.size) - 1
        search = _Search(unit, prizes, active, [everything] * unit.size, label_limit, halted)
        if search.finished:
            return Priced(min(search.best, cheap), search.routes(keep), True, search.pushed)
        upper, routes = min(search.upper, cheap), search.routes(keep)
        labels += search.pushed
    if ng < len(active):
        memory = _ng_memory(unit, active, ng)
        relaxed = _Search(unit, prizes, active, memory, label_limit, halted)
        upper = min(upper, relaxed.upper)
        labels += relaxed.pushed
        seen = {r for _, r in routes}
        routes += [r for r in relaxed.routes(keep) if r[1] not in seen]
        routes = sorted(routes, reverse=True)[:keep]
    return Priced(max(0.0, upper), routes, False, labels)


def knapsack_upper(unit: Unit, prizes: list[float]) -> float:
    """A bound without routes: per service day, the fractional knapsack of positive prizes
    within the minute cap, and the task cap's worth of the largest prizes; a service that
    may start on several days counts on each."""
    days: dict[int, list[int]] = {}
    for j in range(unit.size):
        if prizes[j] > EPS:
            for day in _days(unit.ranges[j]):
                days.setdefault(day, []).append(j)
    total = 0.0
    for members in days.values():
        top = sorted((prizes[j] for j in members), reverse=True)
        by_tasks = sum(top[: unit.tasks_cap])
        room, by_minutes = float(unit.minutes_cap), 0.0
        for j in sorted(members, key=lambda j: -prizes[j] / unit.duration[j]):
            take = min(1.0, room / unit.duration[j])
            by_minutes += take * prizes[j]
            room -= take * unit.duration[j]
            if room <= 0:
                break
        total += min(by_tasks, by_minutes)
    return min(total, sum(p for p in prizes if p > EPS))


def _days(ranges: Ranges) -> set[int]:
    return {d for lo, hi in ranges for d in range(service_day(lo), service_day(hi) + 1)}


def _ng_memory(unit: Unit, active: list[int], size: int) -> list[int]:
    """Each service's memory: itself and its size-1 nearest active services by walk."""
    memory = [1 << j for j in range(unit.size)]
    for j in active:
        nearest = sorted((unit.walk[j][k] + unit.walk[k][j], k) for k in active if k != j)
        for _, k in nearest[: size - 1]:
            memory[j] |= 1 << k
    return memory


def walk_in(unit: Unit, j: int, active: list[int]) -> list[int]:
    """The walks into j from the other active services."""
    return [unit.walk[i][j] for i in active if i != j]


def _starts(ranges: Ranges, ready: int, by_day: bool) -> list[int]:
    """The earliest start at or after `ready`; with `by_day`, the earliest on each service
    day (a later day has fresh caps, so waiting for it may pay)."""
    out: list[int] = []
    for lo, hi in ranges:
        if hi < ready:
            continue
        s = max(lo, ready)
        if not by_day:
            return [s]
        while s <= hi:
            if not out or service_day(out[-1]) != service_day(s):
                out.append(s)
            s = day_starts(service_day(s) + 1)[0]
    return out


class _Search:
    """One label-setting run; see the module docstring. `memory[j]`: the visited bits a
    label keeps on reaching j (all of them: elementary routes)."""

    def __init__(
        self,
        unit: Unit,
        prizes: list[float],
        active: list[int],
        memory: list[int],
        limit: int,
        halted: Callable[[], bool] | None = None,
    ) -> None:
        self.unit, self.prizes, self.memory = unit, prizes, memory
        dur = unit.duration
        self.caps_bind = (
            sum(dur[j] for j in active) > unit.minutes_cap or len(active) > unit.tasks_cap
        )
        self.by_day = self.caps_bind and unit.multi_day
        self.one_day = not unit.multi_day
        self.last = {j: unit.ranges[j][-1][1] for j in active}
        self.by_last = sorted(active, key=lambda j: self.last[j])
        self.last_sorted = [self.last[j] for j in self.by_last]
        positive = [max(0.0, prizes[j]) for j in self.by_last]
        self.suffix = [0.0] * (len(positive) + 1)
        for k in range(len(positive) - 1, -1, -1):
            self.suffix[k] = self.suffix[k + 1] + positive[k]
        top = sorted(positive, reverse=True)
        self.top = [0.0]
        for p in top:
            self.top.append(self.top[-1] + p)
        # Services after a label fit between its end and the last possible end, each with
        # its service and at least its shortest walk in: a fractional knapsack on time.
        gain = [j for j in active if prizes[j] > EPS]
        self.horizon = max((self.last[j] + dur[j] for j in active), default=0)
        self.span = {j: dur[j] + min((walk_in(unit, j, active)), default=0) for j in gain}
        self.by_span = sorted(gain, key=lambda j: -prizes[j] / self.span[j])
        self.by_minutes = sorted(gain, key=lambda j: -prizes[j] / dur[j])
        # labels, as parallel lists
        self.start: list[int] = []
        self.node: list[int] = []
        self.day: list[int] = []
        self.minutes: list[int] = []
        self.tasks: list[int] = []
        self.mask: list[int] = []
        self.value: list[float] = []
        self.parent: list[int] = []
        self.alive: list[bool] = []
        self.at_node: list[list[int]] = [[] for _ in range(unit.size)]
        self.heap: list[tuple[int, int]] = []
        self.best = 0.0
        self.pushed = 0
        self.halted = halted
        self.finished = self._run(active, limit)

    def _completion(self, ready: int, minutes: int, tasks: int) -> float:
        """An upper bound on the prize a label can still add after `ready`."""
        bound = self.suffix[bisect_left(self.last_sorted, ready)]
        bound = min(bound, self._knapsack(self.by_span, self.span, self.horizon - ready, ready))
        if self.caps_bind and self.one_day:
            unit = self.unit
            room = unit.minutes_cap - minutes
            by_minutes = self._knapsack(self.by_minutes, unit.duration, room, ready)
            by_tasks = self.top[min(len(self.top) - 1, max(0, unit.tasks_cap - tasks))]
            bound = min(bound, by_minutes, by_tasks)
        return bound

    def _knapsack(
        self, order: list[int], weight: dict[int, int] | list[int], room: int, ready: int
    ) -> float:
        """Fractional knapsack of the prizes still startable after `ready` in `room`."""
        total, prizes, last = 0.0, self.prizes, self.last
        for j in order:
            if room <= 0:
                break
            if last[j] < ready:
                continue
            w = weight[j]
            if w >= room:
                return total + prizes[j] * room / w
            total += prizes[j]
            room -= w
        return total

    def _add(
        self, s: int, j: int, day: int, minutes: int, tasks: int, mask: int, value: float,
        parent: int,
    ) -> None:  # fmt: skip
        if not self.caps_bind:
            minutes = tasks = 0
        improves = value > self.best + EPS
        if improves:
            self.best = value
        promising = value + self._completion(s + self.unit.duration[j], minutes, tasks) > (
            self.best + EPS
        )
        if not promising and not improves:
            return
        here = self.at_node[j]
        start, vals, masks, days = self.start, self.value, self.mask, self.day
        mins, tsk = self.minutes, self.tasks
        for e in here:
            if (
                start[e] <= s and vals[e] >= value - EPS and not (masks[e] & ~mask)
                and (days[e] < day or (days[e] == day and mins[e] <= minutes and tsk[e] <= tasks))
            ):  # fmt: skip
                return
        kept = []
        for e in here:
            if (
                s <= start[e] and value >= vals[e] and not (mask & ~masks[e])
                and (day < days[e] or (day == days[e] and minutes <= mins[e] and tasks <= tsk[e]))
            ):  # fmt: skip
                self.alive[e] = False
            else:
                kept.append(e)
        idx = len(self.start)
        self.start.append(s)
        self.node.append(j)
        self.day.append(day)
        self.minutes.append(minutes)
        self.tasks.append(tasks)
        self.mask.append(mask)
        self.value.append(value)
        self.parent.append(parent)
        self.alive.append(promising)
        if promising:
            kept.append(idx)
            heapq.heappush(self.heap, (s, idx))
            self.pushed += 1
        self.at_node[j] = kept

    def _run(self, active: list[int], limit: int) -> bool:
        unit, prizes, memory = self.unit, self.prizes, self.memory
        dur, walk, ranges = unit.duration, unit.walk, unit.ranges
        cap_m, cap_t = unit.minutes_cap, unit.tasks_cap
        for j in active:
            for s in _starts(ranges[j], -(10**9), self.by_day):
                if within_day_caps(0, 0, dur[j], cap_m, cap_t):
                    self._add(s, j, service_day(s), dur[j], 1, 1 << j, prizes[j], -1)
        popped = 0
        while self.heap:
            popped += 1
            if self.pushed > limit:
                return False
            if popped % HALT_CHECK == 0 and self.halted is not None and self.halted():
                return False
            s, idx = heapq.heappop(self.heap)
            if not self.alive[idx]:
                continue
            i, day, mask, value = self.node[idx], self.day[idx], self.mask[idx], self.value[idx]
            minutes, tasks = self.minutes[idx], self.tasks[idx]
            ready = s + dur[i]
            row = walk[i]
            for k in range(bisect_left(self.last_sorted, ready), len(self.by_last)):
                j = self.by_last[k]
                if mask >> j & 1:
                    continue
                arrive = ready + row[j]
                if arrive > self.last[j]:
                    continue
                for s2 in _starts(ranges[j], arrive, self.by_day):
                    day2 = service_day(s2)
                    m0, t0 = (minutes, tasks) if day2 == day else (0, 0)
                    if self.caps_bind and not within_day_caps(m0, t0, dur[j], cap_m, cap_t):
                        continue
                    self._add(
                        s2, j, day2, m0 + dur[j], t0 + 1, (mask & memory[j]) | 1 << j,
                        value + prizes[j], idx,
                    )  # fmt: skip
        return True

    @property
    def upper(self) -> float:
        """Stopped early: the best route so far, or an open label's prize plus completion."""
        bound = self.best
        for s, idx in self.heap:
            if self.alive[idx]:
                j = self.node[idx]
                reach = self._completion(s + self.unit.duration[j], self.minutes[idx],
                                         self.tasks[idx])  # fmt: skip
                bound = max(bound, self.value[idx] + reach)
        return bound

    def routes(self, keep: int) -> list[tuple[float, tuple[int, ...]]]:
        """The `keep` best distinct routes among the labels, of positive prize."""
        order = sorted(range(len(self.value)), key=lambda i: -self.value[i])
        out: list[tuple[float, tuple[int, ...]]] = []
        seen: set[tuple[int, ...]] = set()
        for idx in order:
            if len(out) >= keep or self.value[idx] <= EPS:
                break
            nodes = []
            at = idx
            while at >= 0:
                nodes.append(self.node[at])
                at = self.parent[at]
            route = tuple(reversed(nodes))
            if route not in seen:
                seen.add(route)
                out.append((self.value[idx], route))
        return out
