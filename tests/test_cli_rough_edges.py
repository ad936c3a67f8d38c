"""The command line as a new user meets it: output places, umask, flags in any order, JSON
logs, unwrapped errors, missing databases, time limits and the default plan date."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from matcher._internal.batch import default_plan_date
from matcher._internal.exit_codes import ExitCode

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
FILES = ["--volunteers", str(SAMPLE / "volunteers.csv"), "--requests", str(SAMPLE / "requests.csv")]
QUICK = ["--strategy", "greedy"]


def matcher(*args: str, cwd: Path, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command in a child process, with stderr not a terminal (as under cron)."""
    return subprocess.run(
        [sys.executable, "-c", "from matcher.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def test_out_that_is_a_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("keep me")
    for _ in range(2):  # a second run must find things as they were
        result = matcher("solve", *FILES, "--out", str(target), *QUICK, cwd=tmp_path)
        assert result.returncode == ExitCode.USAGE, result.stderr
        assert "is a file" in result.stderr
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_out_below_a_file_is_refused_before_solving(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    # The optimiser would take 60 s; the refusal must come before any solving.
    result = matcher("solve", *FILES, "--out", str(tmp_path / "afile" / "out"), cwd=tmp_path)
    assert result.returncode == ExitCode.USAGE, result.stderr
    assert "afile is a file" in result.stderr


def test_output_folders_honour_the_umask(tmp_path: Path) -> None:
    result = matcher("solve", *FILES, "--out", "plan", *QUICK, cwd=tmp_path, umask=0o022)
    assert result.returncode == ExitCode.OK, result.stderr
    for folder in [tmp_path / "plan", tmp_path / "plan" / "sheets"]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
    assert stat.S_IMODE((tmp_path / "plan" / "summary.json").stat().st_mode) == 0o644


@pytest.mark.parametrize("where", ["before", "after"])
def test_log_json_before_or_after_the_sub_command(tmp_path: Path, where: str) -> None:
    args = ["solve", *FILES, "--out", "plan", *QUICK]
    args = ["--log-json", *args] if where == "before" else [*args, "--log-json"]
    result = matcher(*args, cwd=tmp_path)
    assert result.returncode == ExitCode.OK, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert lines[-1]["level"] == "info"
    assert lines[-1]["message"].startswith("feasible: served ")


def test_input_errors_are_json_lines_under_log_json(tmp_path: Path) -> None:
    result = matcher("solve", "--volunteers", "nope.csv", "--requests", "nope.csv",
                     "--out", "plan", "--log-json", cwd=tmp_path)  # fmt: skip
    assert result.returncode == ExitCode.BAD_INPUT
    entry = json.loads(result.stderr.strip())
    assert entry["level"] == "error" and "nope.csv: file not found" in entry["message"]


def test_errors_are_not_wrapped_at_80_columns(tmp_path: Path) -> None:
    deep = tmp_path / ("a-rather-long-folder-name-" * 4)
    deep.mkdir()
    (deep / "afile").write_text("")
    result = matcher("solve", *FILES, "--out", str(deep / "afile"), *QUICK, cwd=tmp_path)
    assert result.returncode == ExitCode.USAGE
    message = next(line for line in result.stderr.splitlines() if "is a file" in line)
    assert str(deep / "afile") in message  # the path in one piece, on one line


@pytest.mark.parametrize("limit", ["0", "-1", "nan"])
def test_time_limit_must_be_positive(tmp_path: Path, limit: str) -> None:
    result = matcher("solve", *FILES, "--out", "plan", "--time-limit", limit, cwd=tmp_path)
    assert result.returncode == ExitCode.USAGE
    assert "--time-limit" in result.stderr and "settings" not in result.stderr
    assert not (tmp_path / "plan").exists()


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    result = matcher("solve", "--db", "missing.db", "--time-limit", "1", cwd=tmp_path)
    assert result.returncode == ExitCode.DATABASE_UNREACHABLE
    assert "no SQLite database" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_an_unreachable_postgres_is_named_without_its_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://planner:s3cret-pw@127.0.0.1:9/community"
    result = matcher("solve", "--db", url, "--time-limit", "1", cwd=tmp_path)
    assert result.returncode == ExitCode.DATABASE_UNREACHABLE
    assert "host 127.0.0.1, port 9, database community" in result.stderr
    assert "refused" in result.stderr.lower()
    assert "s3cret-pw" not in result.stderr


def test_the_default_plan_date_is_tomorrow_in_the_community() -> None:
    late_utc = datetime(2026, 11, 30, 23, 6, tzinfo=UTC)  # 07:06 on 1 December in Shanghai
    assert default_plan_date("Asia/Shanghai", late_utc) == date(2026, 12, 2)
    assert default_plan_date("UTC", late_utc) == date(2026, 12, 1)


def test_help_says_what_seed_and_deterministic_do(tmp_path: Path) -> None:
    text = matcher("solve", "--help", cwd=tmp_path).stdout
    assert "same seed, same output" not in text
    assert "Only with --deterministic" in " ".join(text.split())
    reference = Path(__file__).resolve().parents[1] / "docs" / "command-line.md"
    text = reference.read_text(encoding="utf-8")
    synopsis = text.split("matcher solve --volunteers PATH", 1)[1].split("matcher check", 1)[0]
    for flag in ("--deterministic", "--workers", "--seed", "--time-limit"):
        assert flag in synopsis


def test_the_sample_solve_is_quiet_and_pure_json_lines_on_this_machines_fonts(
    tmp_path: Path,
) -> None:
    """A fresh machine has no CJK font: the maps of the team sheets must then fall back to
    labels the fonts can draw, not warn "Glyph ... missing" once per character into what a
    collector reads as JSON lines. With CJK fonts (CI) the same run must be as quiet."""
    result = matcher("--log-json", "solve", *FILES, "--out", "plan", *QUICK, cwd=tmp_path)
    assert result.returncode == ExitCode.OK, result.stderr
    assert "Glyph" not in result.stderr + result.stdout
    entries = [json.loads(line) for line in result.stderr.splitlines()]  # each line is JSON
    assert not [e for e in entries if e["logger"] == "py.warnings"]  # no Python warning at all
    assert entries[-1]["message"].startswith("feasible: served ")
    assert "<svg" in (tmp_path / "plan" / "sheets" / "care.html").read_text(encoding="utf-8")
