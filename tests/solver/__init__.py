"""The solver's tests, one folder per stage as in `matcher/_internal/solver/`.

The folders are packages so that a test module may share its name with one elsewhere in
`tests/` (`core/test_rules.py` and `tests/check/test_rules.py`); shared helpers
(`factories`, `route_cases`, `soundness`) come from `tests/` itself, which pytest's
`pythonpath` setting puts on `sys.path`.
"""
