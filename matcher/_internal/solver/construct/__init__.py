"""Stage 1: constructive schedules, the greedy baseline and its contention-ordered variant."""
