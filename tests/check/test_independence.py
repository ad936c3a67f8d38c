"""The checker must not share code paths with what it audits: no solver, no geo."""

from __future__ import annotations

import subprocess
import sys


def test_checker_imports_neither_solver_nor_geo() -> None:
    code = (
        "import sys, matcher._internal.check; "
        "print(' '.join(m for m in sys.modules "
        "if m.startswith(('matcher._internal.solver', 'matcher._internal.geo'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
