"""The solver's door: everything outside `solver/` imports from here and nowhere deeper.

What it offers:

- `solve`: plan a problem (`optimise`, or the `greedy` baseline alone);
- `replan`: plan the day again from a published plan, moving as little as is worth it;
- `dispatch_urgent` / `dispatch_calls`: serve urgent calls at once on top of a plan;
- `fill_declined`: fill a declined (or expired) offer's place: a standby, else the least
  disruptive replacement (`Fallback` says which);
- `explain`: why a request got its crew, or why it got none;
- `decompose`: the independent parts of a problem (what `city/` splits communities by),
  with `prepare` and the `Prepared` token that hands a part already built back to `solve`;
- `bound_alone`: the proven bound without a search (for benchmarks);
- `stand_ins`: who could step in for a crew member of a plan at the planned time (after
  the standbys: what a decline falls back on);
- `Progress` / `ProgressCallback`: what a running solve reports.

Behind the door, each folder is one stage (an import-linter contract in pyproject.toml
keeps every other package out of them):

- `core/`: the problem as arrays (`instance`), the hard rules (`rules`), who could serve
  what (`candidates`), a schedule under construction (`schedule`), each objective term
  (`objective`) and the task sets a volunteer can do in a row (`task_sets`);
- `construct/`: the greedy baseline and its contention-ordered variant;
- `bound/`: proven upper bounds (servable weight, the linear relaxation with route hulls,
  the Lagrangian bound at scale, the column bound);
- `search/`: the large neighbourhood search, its two CP-SAT models and the route moves;
- `report/`: a schedule turned into a `Solution`, with a reason for every unassigned request;
- `services/`: re-planning, urgent dispatch and explanations on a published plan.

`prepared.py` flattens a problem once; `pipeline.solve` runs the stages in order:
candidates -> construct -> bound, beside the search -> report. `pipeline.optimise` is the
one choreography of bounds and searches; a re-plan runs it from its kept plan (`Start`).
"""

from matcher._internal.solver.pipeline import (
    STRATEGIES,
    BoundAlone,
    Progress,
    ProgressCallback,
    bound_alone,
    solve,
)
from matcher._internal.solver.prepared import Decomposition, Prepared, decompose, prepare
from matcher._internal.solver.services.dispatch import dispatch_calls, dispatch_urgent
from matcher._internal.solver.services.explain import explain
from matcher._internal.solver.services.fallback import Fallback, fill_declined
from matcher._internal.solver.services.replan import replan
from matcher._internal.solver.services.stand_ins import stand_ins

__all__ = [
    "STRATEGIES",
    "BoundAlone",
    "Decomposition",
    "Fallback",
    "Prepared",
    "Progress",
    "ProgressCallback",
    "bound_alone",
    "decompose",
    "dispatch_calls",
    "dispatch_urgent",
    "explain",
    "fill_declined",
    "prepare",
    "replan",
    "solve",
    "stand_ins",
]
