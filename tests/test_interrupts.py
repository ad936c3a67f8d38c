"""Ctrl-C and SIGTERM: a real `matcher solve` signalled at every stage of a run (starting,
reading, constructing, searching beside the bound, writing) ends with exit 130 or 143, one
line saying what was kept, no traceback and no native abort; the previous outputs stay whole
(or, for a signal after the commit, the new plan is whole)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from matcher._internal.check import check_folder

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
FILES = ["--volunteers", str(SAMPLE / "volunteers.csv"), "--requests", str(SAMPLE / "requests.csv")]


def _visible(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _signalled_run(
    out: Path, marker: str | None, delay: float, signals: list[int], gap: float = 0.05
) -> tuple[int, list[dict[str, str]], str]:
    """Run `matcher solve`, and once a log line contains `marker` (or at the start when
    None), wait `delay` seconds and send `signals` in turn. Returns the exit code, the JSON
    log lines and everything that was not one."""
    process = subprocess.Popen(
        [sys.executable, "-m", "matcher", "--log-json", "-v", "solve", *FILES, "--out",
         str(out), "--time-limit", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if marker is not None and marker in line:
                seen.set()

    reader = threading.Thread(target=read)
    reader.start()
    if marker is None:
        seen.set()
    assert seen.wait(60), f"no log line with {marker!r}: {lines}"
    time.sleep(delay)
    for signum in signals:
        process.send_signal(signum)
        time.sleep(gap)
    code = process.wait(60)
    reader.join()
    assert process.stdout is not None
    rest = process.stdout.read()
    entries, other = [], [rest]
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            other.append(line)
    return code, entries, "".join(other)


MOMENTS = [
    pytest.param(None, 0.6, id="starting"),
    pytest.param(None, 1.5, id="reading"),
    pytest.param("candidate pairs", 0.0, id="constructing"),
    pytest.param("proven bound", 0.0, id="searching-beside-the-bound"),
    pytest.param("proven bound", 2.0, id="searching"),
    pytest.param("writing the plan", 0.0, id="writing"),
]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(("marker", "delay"), MOMENTS)
def test_a_signal_at_any_moment_stops_cleanly_and_keeps_a_whole_plan(
    tmp_path: Path, marker: str | None, delay: float, signum: int
) -> None:
    out = tmp_path / "plan"
    first = subprocess.run([sys.executable, "-m", "matcher", "solve", *FILES, "--out", str(out),
                            "--strategy", "greedy"], capture_output=True, timeout=120)  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = _visible(out)
    code, entries, other = _signalled_run(out, marker, delay, [signum])
    assert "Traceback" not in other and "terminate called" not in other, other
    assert other.strip() == "", other  # every line a JSON line, nothing else
    said = [e["message"] for e in entries if "interrupted" in e["message"]]
    assert len(said) == 1, said
    assert code == 128 + signum
    name = signal.Signals(signum).name
    if "after the new plan was written" in said[0]:  # the signal came after the commit
        assert _visible(out) != before
    else:
        assert f"interrupted ({name})" in said[0]
        assert _visible(out) == before
    assert check_folder(SAMPLE / "volunteers.csv", SAMPLE / "requests.csv", out).ok
    assert [p.name for p in out.iterdir() if p.name.startswith(".matcher-p")] == []


@pytest.mark.slow
@pytest.mark.parametrize("gap", [0.0, 0.05, 0.3])
def test_a_signal_sent_twice_at_once_is_one_request(tmp_path: Path, gap: float) -> None:
    """GNU `timeout` signals the process and then its group: one request, one line, and
    the exit code of the first even when the echo lands as the interpreter shuts down."""
    out = tmp_path / "plan"
    code, entries, other = _signalled_run(out, "proven bound", 0.5, [signal.SIGINT] * 2, gap)
    assert code == 130
    assert "Traceback" not in other and "terminate called" not in other
    said = [e["message"] for e in entries if "interrupted" in e["message"]]
    assert said == ["interrupted (SIGINT) before the new plan was written: nothing was written"]
    assert not out.exists()


def test_a_second_signal_later_stops_at_once(tmp_path: Path) -> None:
    """While a command winds down after the first signal, a second one (after the echo
    window) ends the process at once with a line of its own."""
    script = (
        "import os, signal, time\n"
        "from matcher._internal import interrupts\n"
        "interrupts.ECHO_SECONDS = 0.1\n"
        "interrupts.install()\n"
        "with interrupts.deferred():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(0.3)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(10)\n"
        "print('not stopped')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 130
    assert result.stdout == ""
    assert result.stderr.startswith("interrupted again: stopped at once; no output was changed")
