"""Ctrl-C and SIGTERM for the command line: stop cleanly, never abort natively.

Raising `KeyboardInterrupt` while CP-SAT calls back into Python kills the process natively
(`std::bad_function_call`), and raising it between two renames of an output swap would leave
half a folder. So while a command solves or writes, a signal only *asks* to stop: it sets
`stop`, which the solver polls as its `cancel` event and the writers check before their
commit point. Elsewhere (reading a file, importing) it raises `Interrupted` at once. A second
signal stops the process at once; the next run finishes or clears any half-written output.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A signal stopped the command (a BaseException, like KeyboardInterrupt, so that no
    `except Exception` mistakes it for a failure to retry or report)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal's number (130 for SIGINT, 143 SIGTERM)."""
        return 128 + self.signum


stop = threading.Event()
"""Set by the first signal: the solver's `cancel`, and the writers' reason not to commit."""
_received: int | None = None
_received_at = 0.0
_deferring = 0
_prompt = 0
_swapping = 0

ECHO_SECONDS = 1.0
"""A second signal this soon after the first is the same request: GNU `timeout` and some
service managers signal the process and then its whole group."""


def received() -> Interrupted | None:
    """The interruption asked for so far, if any."""
    return None if _received is None else Interrupted(_received)


def report(exc: Interrupted, what_was_kept: str, argv: list[str]) -> None:
    """The one line an interrupted command ends with: plain, or a JSON line when the command
    line asked for --log-json (even if the signal came before the logs were set up)."""
    message = f"interrupted ({exc.name}): {what_was_kept}"
    if "--log-json" in argv:
        from matcher._internal.logs import write_json_line

        write_json_line("error", message)
    else:
        sys.stderr.write(f"error: {message}\n")


def raise_if_stopped() -> None:
    """At a commit point: go no further once a signal asked to stop."""
    if _received is not None:
        raise Interrupted(_received)


def install() -> None:
    """Handle SIGINT and SIGTERM in this (main) thread from now on. A signal the process
    was started ignoring stays ignored (a shell's background job ignores Ctrl-C)."""
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _handle)


def _handle(signum: int, frame: FrameType | None) -> None:
    global _received, _received_at
    if _received is not None:
        if _swapping or time.monotonic() - _received_at < ECHO_SECONDS:
            return  # an echo of the first, or a swap of renames that takes milliseconds
        os.write(2, b"interrupted again: stopped at once; no output was changed (the next "
                    b"run clears what this one left half-written)\n")  # fmt: skip
        os._exit(128 + signum)
    _received, _received_at = signum, time.monotonic()
    stop.set()
    if _prompt or not _deferring:
        raise Interrupted(signum)


def ignore_from_now() -> None:
    """An interrupted process on its way out: its exit code is already decided, so later
    signals (an echo arriving while the interpreter shuts down, when Python has put the
    default handlers back) must not turn it into a death by signal."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block a signal only sets `stop`; the code inside polls it. Leaving the
    block raises `Interrupted` if a signal came and nothing handled it."""
    global _deferring
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if _received is not None and not _deferring:
        raise Interrupted(_received)


@contextmanager
def prompt() -> Iterator[None]:
    """Within the block a signal raises `Interrupted` at once, even inside `deferred`: for
    work that calls no native code back (writing files) and that is thrown away when
    interrupted, so a signal need not wait for it to finish."""
    global _prompt
    raise_if_stopped()
    _prompt += 1
    try:
        yield
    finally:
        _prompt -= 1


@contextmanager
def swapping() -> Iterator[None]:
    """A swap of output entries: even a second signal waits the milliseconds it takes."""
    global _swapping
    _swapping += 1
    try:
        with deferred():
            yield
    finally:
        _swapping -= 1


def reset() -> None:
    """Forget an interruption (tests that run several commands in one process)."""
    global _received
    _received = None
    stop.clear()
