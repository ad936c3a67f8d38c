"""The terminal progress line: shown on a terminal, silent elsewhere."""

from __future__ import annotations

import io

from matcher._internal.progress_line import ProgressLine
from matcher._internal.solver import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_line_shows_weight_bound_gap_and_time_on_a_terminal() -> None:
    out = _Terminal()
    line = ProgressLine(out, every=0.0)
    line(Progress(served_weight=90, upper_bound=100, elapsed=1.5, iterations=7))
    line.close()
    text = out.getvalue()
    assert "served weight 90" in text and "bound 100" in text and "10.00%" in text
    assert "1.5 s" in text and text.endswith("\n")


def test_line_is_quiet_when_not_a_terminal() -> None:
    out = io.StringIO()
    line = ProgressLine(out, every=0.0)
    line(Progress(served_weight=1, upper_bound=2, elapsed=0.1, iterations=1))
    line.close()
    assert out.getvalue() == ""
