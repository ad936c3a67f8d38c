"""`--out` as a user meets it, with real processes and real file systems: folders holding a
user's files are refused before solving and left untouched; disks that fill, read-only and
special file systems and mount points fail cleanly (a documented exit code, one line, no
traceback, no staging folder) or work; two runs on one folder never crash each other."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from matcher._internal.check import check_folder
from matcher._internal.exit_codes import ExitCode

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def matcher(
    *args: str, cwd: Path, limit_file_bytes: int | None = None
) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # a real write that fails part-way, as on a full disk
        if limit_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "matcher", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300, preexec_fn=limit,
    )  # fmt: skip


def _project(root: Path) -> Path:
    """A coordinator's folder: inputs, notes and a docs folder."""
    shutil.copy(SAMPLE / "volunteers.csv", root / "v.csv")
    shutil.copy(SAMPLE / "requests.csv", root / "r.csv")
    (root / "notes.txt").write_text("call Mrs Wang on Tuesday")
    (root / "docs").mkdir()
    (root / "docs" / "rota.md").write_text("rota")
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


QUICK = ["--strategy", "greedy"]


def _clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout


@pytest.mark.parametrize("out", [".", "data", "docs"])
def test_a_folder_with_the_users_files_is_refused_before_solving(tmp_path: Path, out: str) -> None:
    root = _project(tmp_path)
    (root / "data").mkdir()
    shutil.move(root / "v.csv", root / "data" / "v.csv")
    before = _snapshot(root)
    result = matcher("solve", "--volunteers", "data/v.csv", "--requests", "r.csv", "--out", out,
                     *QUICK, cwd=root)  # fmt: skip
    assert result.returncode == ExitCode.USAGE, result.stderr
    _clean_failure(result)
    assert "Give another --out" in result.stderr
    assert _snapshot(root) == before  # nothing written, moved or removed


def test_a_write_that_fails_part_way_exits_8_and_keeps_the_previous_plan(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out", "plan",
                    *QUICK, cwd=root)  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = _snapshot(root / "plan")
    result = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out", "plan",
                     *QUICK, cwd=root, limit_file_bytes=20_000)  # fmt: skip
    assert result.returncode == ExitCode.OUTPUT_NOT_WRITTEN, result.stderr
    _clean_failure(result)
    assert "was not written" in result.stderr and "unchanged" in result.stderr
    assert _snapshot(root / "plan") == before
    assert sorted(p.name for p in (root / "plan").iterdir() if p.name.startswith(".")) == [
        ".matcher-output.json",
        ".matcher.lock",
    ]  # no staging folder left behind


def test_special_file_systems_are_refused_before_solving(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out",
                     "/proc/matcher-plan", *QUICK, cwd=root)  # fmt: skip
    assert result.returncode == ExitCode.USAGE
    _clean_failure(result)
    assert "cannot be written" in result.stderr


def test_a_second_run_on_the_same_folder_is_refused_while_the_first_goes_on(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = subprocess.Popen(
        [sys.executable, "-m", "matcher", "-v", "solve", "--volunteers", "v.csv", "--requests",
         "r.csv", "--out", "plan", "--time-limit", "15"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert first.stderr is not None
    for line in first.stderr:
        if "candidate pairs" in line:
            break
    second = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out", "plan",
                     *QUICK, cwd=root)  # fmt: skip
    rest = first.stderr.read()
    assert first.wait(120) == 0, rest
    assert second.returncode == ExitCode.USAGE
    _clean_failure(second)
    assert "another matcher run is writing" in second.stderr
    assert check_folder(root / "v.csv", root / "r.csv", root / "plan").ok


# Real file systems need mounting: root does it (as CI runs); elsewhere these are skipped,
# and under CI they fail rather than skip.


@contextmanager
def mounted(where: Path, options: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs under CI: {done.stderr}")
        pytest.skip(f"mounting needs root: {done.stderr.strip()}")
    try:
        yield where
    finally:
        for _ in range(20):
            if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)


def test_a_mount_point_works_as_the_output_folder(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with mounted(root / "volume", "size=64m") as volume:
        for _ in range(2):  # a new folder, then a replacement: the mount point never moves
            result = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out",
                             str(volume), *QUICK, cwd=root)  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert check_folder(root / "v.csv", root / "r.csv", volume).ok


def test_a_read_only_or_full_file_system_is_refused_before_solving(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with mounted(root / "ro", "ro,size=8m") as read_only:
        result = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out",
                         str(read_only / "plan"), *QUICK, cwd=root)  # fmt: skip
        assert result.returncode == ExitCode.USAGE
        _clean_failure(result)
        assert "read-only" in result.stderr
    with mounted(root / "full", "size=1m") as full:
        (full / "filler").write_bytes(b"x" * 900_000)
        result = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out",
                         str(full / "plan"), *QUICK, cwd=root)  # fmt: skip
        assert result.returncode == ExitCode.USAGE
        assert "full" in result.stderr
        assert sorted(p.name for p in full.iterdir()) == ["filler"]


def test_a_disk_that_fills_while_writing_exits_8_and_keeps_the_previous_plan(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    small = tmp_path / "small"
    small.mkdir()
    generated = matcher("generate", "--out", str(small), "--volunteers", "30", "--requests",
                        "10", "--start", "2026-12-01", cwd=root)  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    with mounted(root / "disk", "size=3m") as disk:  # the sample's outputs take 3 MB
        first = matcher("solve", "--volunteers", str(small / "volunteers.csv"), "--requests",
                        str(small / "requests.csv"), "--out", str(disk / "plan"), *QUICK,
                        cwd=root)  # fmt: skip
        assert first.returncode == 0, first.stderr
        before = _snapshot(disk / "plan")
        result = matcher("solve", "--volunteers", "v.csv", "--requests", "r.csv", "--out",
                         str(disk / "plan"), *QUICK, cwd=root)  # fmt: skip
        assert result.returncode == ExitCode.OUTPUT_NOT_WRITTEN, result.stderr
        _clean_failure(result)
        assert "the disk is full" in result.stderr
        assert _snapshot(disk / "plan") == before
        assert [p.name for p in (disk / "plan").iterdir() if p.name.startswith(".matcher-p")] == []
