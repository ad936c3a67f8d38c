"""Which volunteers could serve which request, from vectorised filters over all pairs.

A pair is a candidate when the volunteer is in the request's community and team (if it
names one), has every required skill, is not excluded, lives within their walking reach,
and has an availability interval that fits the whole service somewhere in the request's
window (and daily caps that allow it at all). Language is a crew rule (one speaker is
enough), so it is recorded per pair, not filtered. The count surviving each filter stage is
kept per request: it is what explains an unassigned request.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from matcher._internal.solver.core.instance import BoolArray, FloatArray, Instance, IntArray
from matcher._internal.solver.core.rules import has_skills, in_community, in_team, start_window
from matcher._internal.solver.core.rules import in_reach as in_reach_of

_CELLS_PER_CHUNK = 4_000_000


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs in CSR form: request r's pairs are `indptr[r]:indptr[r+1]`, nearest first."""

    indptr: IntArray
    vol: IntArray
    walk: FloatArray
    speaks: BoolArray  # the volunteer speaks the request's language (True if none asked)
    # per request: how many volunteers survive each filter stage
    n_skilled: IntArray
    n_in_reach: IntArray
    n_available: IntArray
    n_speakers: IntArray
    needs_language: BoolArray
    nearest_skilled: IntArray  # -1 when nobody is skilled
    nearest_skilled_walk: FloatArray

    def of(self, r: int) -> slice:
        return slice(int(self.indptr[r]), int(self.indptr[r + 1]))

    @property
    def n_pairs(self) -> int:
        return int(self.indptr[-1])

    @cached_property
    def pair_request(self) -> IntArray:
        """The request of every pair (CSR row index expanded), computed once: the search
        asks for it on every neighbourhood."""
        return np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))

    def servable(self, crew: IntArray) -> BoolArray:
        """Requests with enough candidates for the crew, one of them a speaker if needed."""
        counts = np.diff(self.indptr)
        return (counts >= crew) & (~self.needs_language | (self.n_speakers > 0))


@dataclass(frozen=True)
class LinkedParts:
    """The connected parts of the candidate graph, numbered 0..count-1: a request and a
    volunteer are linked when the volunteer could serve the request. No pair joins two
    parts, so parts are independent problems: their bounds add up and their schedules can
    be made apart."""

    count: int
    of_request: IntArray  # -1: the request was left out, or has no candidate
    of_volunteer: IntArray  # -1: the volunteer is a candidate of no request taken in


def linked_parts(cands: Candidates, n_volunteers: int, requests: BoolArray) -> LinkedParts:
    """The connected parts over the pairs of the `requests` taken in (a mask)."""
    n_r = len(cands.indptr) - 1
    pair_r = cands.pair_request
    keep = requests[pair_r]
    graph = sparse.coo_matrix(
        (np.ones(int(keep.sum())), (pair_r[keep], n_r + cands.vol[keep])),
        shape=(n_r + n_volunteers, n_r + n_volunteers),
    )
    _, labels = connected_components(graph, directed=False)
    linked = np.zeros(n_r + n_volunteers, dtype=bool)
    linked[pair_r[keep]] = True
    linked[n_r + cands.vol[keep]] = True
    taken = np.unique(labels[linked])  # parts numbered in the order of their labels
    number = np.full(len(labels), -1, np.int64)
    number[linked] = np.searchsorted(taken, labels[linked])
    return LinkedParts(len(taken), number[:n_r], number[n_r:])


def find_candidates(inst: Instance, only: IntArray | None = None) -> Candidates:
    """All feasible (request, volunteer) pairs, computed in request chunks to bound memory.

    With `only`, just those requests' pairs (the others get none): what an urgent call needs.
    """
    problem = inst.problem
    n_r, n_v = inst.n_requests, inst.n_volunteers
    speakers, lang_of_request = _language_masks(inst)
    todo = np.arange(inst.n_requests) if only is None else np.asarray(only, dtype=np.int64)
    excluded = _exclusions(inst, todo)
    cap_ok = inst.v_max_tasks >= 1

    chunk = max(1, _CELLS_PER_CHUNK // max(1, n_v, len(inst.a_vol)))
    parts_r: list[IntArray] = []
    parts_v: list[IntArray] = []
    parts_w: list[FloatArray] = []
    n_skilled = np.zeros(n_r, np.int64)
    n_in_reach = np.zeros(n_r, np.int64)
    n_available = np.zeros(n_r, np.int64)
    n_speakers = np.zeros(n_r, np.int64)
    nearest = np.full(n_r, -1, np.int64)
    nearest_walk = np.full(n_r, np.inf)

    for lo in range(0, len(todo), chunk):
        rows = todo[lo : lo + chunk]
        skilled = in_team(inst.r_team[rows, None], inst.v_team[None, :])
        if len(inst.community_names) > 1:
            skilled &= in_community(inst.r_community[rows, None], inst.v_community[None, :])
        skilled &= has_skills(inst.r_skills[rows], inst.v_skills)
        skilled &= cap_ok[None, :]  # rule 7: a volunteer whose task cap is 0 takes nothing
        for k, r in enumerate(rows.tolist()):
            if r in excluded:
                skilled[k, excluded[r]] = False
        walk = inst.walks.home_matrix(rows)
        unknown = np.isnan(walk)  # a strict walking table lacks these pairs
        if unknown.any():
            needed = np.argwhere(unknown & skilled)
            if len(needed):
                k, v = needed[0]
                raise inst.walks.missing(f"{inst.v_ids[v]} and {inst.r_ids[rows[k]]}")
            walk = np.where(unknown, np.inf, walk)
        in_reach = skilled & in_reach_of(walk, inst.v_max_walk[None, :])
        available = in_reach & _fits_availability(inst, rows)
        n_skilled[rows] = skilled.sum(1)
        n_in_reach[rows] = in_reach.sum(1)
        n_available[rows] = available.sum(1)
        if n_v:
            masked = np.where(skilled, walk, np.inf)
            best = masked.argmin(1)
            has = np.isfinite(masked[np.arange(len(rows)), best])
            nearest[rows[has]] = best[has]
            nearest_walk[rows] = masked[np.arange(len(rows)), best]
        rr, vv = np.nonzero(available)
        parts_r.append(rows[rr])
        parts_v.append(vv.astype(np.int64))
        parts_w.append(walk[rr, vv])

    pair_r = np.concatenate(parts_r) if parts_r else np.zeros(0, np.int64)
    pair_v = np.concatenate(parts_v) if parts_v else np.zeros(0, np.int64)
    pair_w = np.concatenate(parts_w) if parts_w else np.zeros(0)
    order = np.lexsort((pair_v, pair_w, pair_r))  # by request, then nearest, then id order
    pair_r, pair_v, pair_w = pair_r[order], pair_v[order], pair_w[order]
    lang = lang_of_request[pair_r]
    pair_speaks = np.where(lang < 0, True, speakers[np.maximum(lang, 0), pair_v])
    np.add.at(n_speakers, pair_r, (pair_speaks & (lang >= 0)).astype(np.int64))
    indptr = np.zeros(n_r + 1, np.int64)
    np.cumsum(np.bincount(pair_r, minlength=n_r), out=indptr[1:])
    del problem
    return Candidates(
        indptr=indptr,
        vol=pair_v,
        walk=pair_w,
        speaks=pair_speaks,
        n_skilled=n_skilled,
        n_in_reach=n_in_reach,
        n_available=n_available,
        n_speakers=n_speakers,
        needs_language=lang_of_request >= 0,
        nearest_skilled=nearest,
        nearest_skilled_walk=nearest_walk,
    )


def _fits_availability(inst: Instance, rows: IntArray) -> NDArray[np.bool_]:
    """requests(rows) x volunteers: some interval holds the whole service inside the window."""
    n_v = inst.n_volunteers
    out = np.zeros((len(rows), n_v), dtype=bool)
    if len(inst.a_vol) == 0:
        return out
    dur = inst.r_duration[rows, None]
    lo, hi = start_window(
        inst.r_earliest[rows, None], inst.r_latest[rows, None], dur,
        inst.a_start[None, :], inst.a_end[None, :],
    )  # fmt: skip
    fits = (lo <= hi) & (dur <= inst.v_max_minutes[inst.a_vol][None, :])  # rule 7 on its own
    # Reduce intervals to volunteers: a_vol is sorted, so each volunteer is one segment.
    vols, starts = np.unique(inst.a_vol, return_index=True)
    out[:, vols] = np.logical_or.reduceat(fits, starts, axis=1)
    return out


def _language_masks(inst: Instance) -> tuple[BoolArray, IntArray]:
    """(languages x volunteers speaker mask, each request's language index or -1)."""
    problem = inst.problem
    names = sorted({r.language for r in problem.requests if r.language})
    index = {name: i for i, name in enumerate(names)}
    speakers = np.zeros((max(1, len(names)), inst.n_volunteers), dtype=bool)
    for v, volunteer in enumerate(problem.volunteers):
        for language in volunteer.languages:
            if language in index:
                speakers[index[language], v] = True
    lang = np.array(
        [index[r.language] if r.language else -1 for r in problem.requests], dtype=np.int64
    )
    return speakers, lang


def _exclusions(inst: Instance, rows: IntArray) -> dict[int, list[int]]:
    """The excluded volunteers (indices) of those `rows` that exclude anyone: an urgent
    call's candidates must not cost a pass over every request of the day."""
    requests = inst.problem.requests
    naming = [r for r in rows.tolist() if requests[r].excluded_volunteers]
    if not naming:
        return {}
    position = {vid: i for i, vid in enumerate(inst.v_ids)}
    return {
        r: [position[v] for v in requests[r].excluded_volunteers if v in position] for r in naming
    }


def with_request(base: Candidates, extra: Candidates, r: int) -> Candidates:
    """`base` (for requests 0..r-1) plus request r's pairs taken from `extra`."""
    span = extra.of(r)
    count = span.stop - span.start

    def tail(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([a, b[r : r + 1]])

    return Candidates(
        indptr=np.concatenate([base.indptr, [base.indptr[-1] + count]]),
        vol=np.concatenate([base.vol, extra.vol[span]]),
        walk=np.concatenate([base.walk, extra.walk[span]]),
        speaks=np.concatenate([base.speaks, extra.speaks[span]]),
        n_skilled=tail(base.n_skilled, extra.n_skilled),
        n_in_reach=tail(base.n_in_reach, extra.n_in_reach),
        n_available=tail(base.n_available, extra.n_available),
        n_speakers=tail(base.n_speakers, extra.n_speakers),
        needs_language=tail(base.needs_language, extra.needs_language),
        nearest_skilled=tail(base.nearest_skilled, extra.nearest_skilled),
        nearest_skilled_walk=tail(base.nearest_skilled_walk, extra.nearest_skilled_walk),
    )
