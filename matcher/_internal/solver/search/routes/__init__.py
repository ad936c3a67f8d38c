"""Route-level local search for crews of one: each volunteer's bookings as a route, exact
insertion tests from forward and backward slack, and small moves that serve more weight or
walk less. Every rule comes from `core.rules` and `core.candidates`; see `route.py`.
"""
