"""Stage 4: a finished schedule as a typed Solution, with reasons for the unassigned."""
