"""A column-generation bound: a master LP over volunteers' routes, priced by label setting.

Why: the linear relaxation (`bound.relaxation`) lets a volunteer's day hold fractions of
services with no travel or sequencing between them; routes carry both. See `generation`.
"""

from matcher._internal.solver.bound.columns.generation import (
    ColumnBound,
    VolunteerRoute,
    column_bound,
    combined_total,
)

__all__ = ["ColumnBound", "VolunteerRoute", "column_bound", "combined_total"]
