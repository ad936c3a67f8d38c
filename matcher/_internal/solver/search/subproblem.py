"""What both neighbourhood models share: the subproblem they are built from, and the
interface the search solves them through.

The search takes a neighbourhood's requests out of the schedule (`scheduling_model.prepare`)
and builds one of two CP-SAT models over what is left: the scheduling model
(`scheduling_model.py`) or, where it applies, the route model (`route_model.py`). Both read
the same `Subproblem` and answer to the same `NeighbourhoodModel`, so `run` and `apply`
need not know which one they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ortools.sat.python import cp_model

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.objective import Costs
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.search.neighbourhood import Neighbourhood

Crews = dict[int, tuple[int, list[int]]]
"""Request -> (start minute, crew's volunteers)."""


@dataclass(frozen=True)
class Subproblem:
    """A neighbourhood taken out of the schedule: everything a model builder reads."""

    inst: Instance
    cands: Candidates
    schedule: Schedule
    """The schedule without the neighbourhood's served requests (the rest stays fixed)."""
    costs: Costs
    nb: Neighbourhood
    freed: Crews
    """The neighbourhood's requests as they were booked: the model's hint."""


class NeighbourhoodModel(Protocol):
    """A CP-SAT model of one subproblem, hinted with its current bookings."""

    model: cp_model.CpModel
    complete: bool
    """Every option of every request is in the model: its optimum proves something."""

    def objective_of_hint(self) -> int:
        """The objective of the current bookings: a solution must beat it to be kept."""
        ...

    def extract(self, solver: cp_model.CpSolver) -> Crews:
        """The bookings of the solver's solution."""
        ...
