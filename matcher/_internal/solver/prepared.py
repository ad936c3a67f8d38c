"""A problem flattened once (`prepare`), and cut into independent parts (`decompose`).

`city/` splits communities before solving them; it asks this module, through the solver's
door, which volunteers and requests belong together, and hands a whole-community part
back to `solve` as the `Prepared` it already built, so nothing is built twice. It never
sees the arrays inside: those belong to the solver's stages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from matcher._internal.model import Problem, Unassigned
from matcher._internal.solver.core.candidates import Candidates, find_candidates, linked_parts
from matcher._internal.solver.core.instance import Instance, build_instance
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.report.unassigned import explain_unassigned


@dataclass(frozen=True)
class Prepared:
    """A problem's arrays (`Instance`) and candidate pairs, built once. Outside the solver
    it is a token to hand back to `solve(prepared=...)` for the very same volunteers and
    requests."""

    instance: Instance
    candidates: Candidates

    @property
    def pairs(self) -> int:
        """Candidate (request, volunteer) pairs: what time and memory grow with."""
        return self.candidates.n_pairs

    def for_problem(self, problem: Problem) -> Prepared:
        """The same arrays for `problem`, which differs from the prepared one only in its
        settings (a part's share of the time limit, its threads)."""
        return replace(self, instance=replace(self.instance, problem=problem))


def prepare(problem: Problem) -> Prepared:
    """Flatten `problem` and find every pair that could serve (rules 1, 2, 4, 5 and 8)."""
    inst = build_instance(problem)
    return Prepared(inst, find_candidates(inst))


IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Decomposition:
    """The connected parts of a problem's candidate graph: a request and a volunteer are
    linked when the volunteer could serve the request. Parts share no volunteer, request
    or pair, so each can be solved alone and their plans and bounds added up."""

    prepared: Prepared
    count: int
    """How many parts."""
    request_part: IntArray
    """Each request's part, in the problem's order; -1 when nobody could serve it."""
    volunteer_part: IntArray
    """Each volunteer's part; -1 when they could serve no request."""
    pairs: IntArray
    """Candidate pairs in each part."""

    def left_out(self) -> list[Unassigned]:
        """The requests in no part, each with its reason, read against every volunteer of
        the whole problem (as a solve of the whole would explain them)."""
        inst = self.prepared.instance
        alone = {inst.r_ids[r] for r in np.flatnonzero(self.request_part < 0)}
        return explain_unassigned(
            inst, self.prepared.candidates, Schedule(inst), skip=set(inst.r_ids) - alone
        )


def decompose(problem: Problem) -> Decomposition:
    """`problem` cut into the connected parts of its candidate graph (the same definition
    the bound uses per part)."""
    prepared = prepare(problem)
    inst, cands = prepared.instance, prepared.candidates
    linked = linked_parts(cands, inst.n_volunteers, np.ones(inst.n_requests, dtype=bool))
    in_part = linked.of_request >= 0
    pairs = np.bincount(
        linked.of_request[in_part], weights=np.diff(cands.indptr)[in_part], minlength=linked.count
    ).astype(np.int64)
    return Decomposition(prepared, linked.count, linked.of_request, linked.of_volunteer, pairs)
