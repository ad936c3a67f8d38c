"""A live progress line for terminals: served weight, bound, gap and elapsed time.

Quiet when stderr is not a terminal (cron, CI, pipes), so logs stay clean.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from matcher._internal.solver import Progress


class ProgressLine:
    """Callable progress sink, safe to call from the solver's worker threads."""

    def __init__(self, stream: TextIO | None = None, every: float = 0.25) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.every = every
        self._last = 0.0
        self._lock = threading.Lock()
        self._shown = False

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.every:
                return
            self._last = now
            self.stream.write(
                f"\r  served weight {progress.served_weight}  bound {progress.upper_bound}"
                f"  gap {progress.gap:6.2%}  {progress.elapsed:5.1f} s  "
                f"({progress.iterations} neighbourhoods)  "
            )
            self.stream.flush()
            self._shown = True

    def close(self) -> None:
        """End the line so the next message starts on a fresh one."""
        with self._lock:
            if self._shown:
                self.stream.write("\n")
                self.stream.flush()
                self._shown = False
