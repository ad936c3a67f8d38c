"""Stage 0: the problem as arrays, the hard rules, candidates, schedules, the objective."""
