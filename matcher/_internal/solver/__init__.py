"""The solver, in stages; each folder is one:

- `core/`: the problem as arrays (`instance`), the hard rules (`rules`), who could serve
  what (`candidates`), a schedule under construction (`schedule`), each objective term
  (`objective`) and the task sets a volunteer can do in a row (`task_sets`);
- `construct/`: the greedy baseline and its contention-ordered variant;
- `bound/`: proven upper bounds (servable weight, the linear relaxation with route hulls,
  the Lagrangian bound at scale);
- `search/`: the large neighbourhood search and its two CP-SAT models;
- `report/`: a schedule turned into a `Solution`, with a reason for every unassigned request;
- `services/`: re-planning, urgent dispatch and explanations on a published plan.

`pipeline.solve` runs them in order: candidates -> construct -> bound, beside the search ->
report.
"""

from matcher._internal.solver.pipeline import STRATEGIES, Progress, ProgressCallback, solve

__all__ = ["STRATEGIES", "Progress", "ProgressCallback", "solve"]
