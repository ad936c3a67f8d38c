"""Planning many communities (a city) or one big one in a single run, in independent parts.

The stages, one module each, in the order a run goes through them:

- `inputs.py`: read and validate the volunteers and requests once; a community whose rows
  have errors is set aside with its errors, and the others go on.
- `split.py`: each community is split into parts by the connected parts of its candidate
  graph (`solver.decompose`, through the solver's door); small parts are grouped. Requests no
  volunteer could serve are explained here, against the whole community.
- `budget.py`: each part's share of the time limit, by its size.
- `execute.py`: the parts run in this process, on local worker processes or on a Dask
  cluster; a part that fails is tried again, and one that fails twice is reported.
- `merge.py`: the parts' solutions become one per community and one for the run; the
  stated bound is the sum of the parts' bounds, a true bound since no two parts share a
  volunteer, a request or a candidate pair.
- `plan.py`: `plan_city`, the run from validated input to merged result.
"""

from matcher._internal.city.inputs import CityInput, load_city
from matcher._internal.city.plan_city import CityResult, CommunityOutcome, plan_city

__all__ = ["CityInput", "CityResult", "CommunityOutcome", "load_city", "plan_city"]
