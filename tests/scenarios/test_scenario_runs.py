"""Scenario runs end to end: every shipped file, the report, and the Dask path."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher._internal.scenarios.comparison_report import write_report
from matcher._internal.scenarios.run import run_scenarios
from matcher.cli import app

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


def _tiny(tmp_path: Path, name: str, extra: str = "") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\n[base.generate]\nvolunteers = 100\nrequests = 120\nseed = 5\n{extra}'
    )
    return path


@pytest.mark.slow
def test_every_shipped_scenario_runs_and_the_report_is_written(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, [
        "scenario", "run", *map(str, sorted(SHIPPED.glob("*.toml"))), "--out", str(out),
        "--strategy", "greedy", "--workers", "2",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == 7 + 5  # seven scenarios, the sweep as five variants
    baseline = table.loc[table["scenario"] == "baseline", "served_share_change"]
    assert len(baseline) == 1 and (baseline == 0).all()
    sweep = table[table["scenario"] == "walking reach sweep"].sort_values("sweep_value")
    assert sweep["sweep_value"].tolist() == [5, 10, 15, 20, 25]
    shares = sweep["served_share"].tolist()
    assert shares[0] < shares[2] <= max(shares[2:]) + 1e-9  # a wider reach serves more
    flu = table.set_index("scenario").loc["flu season"]
    assert flu["requests_change"] > 0 and flu["volunteers_change"] < 0
    page = (out / "report.html").read_text()
    assert "Scenario comparison" in page and page.count("data:image/png;base64,") >= 5
    assert (out / "served_share.png").stat().st_size > 1000
    assert list(out.glob("sweep-*.png"))


def test_dask_cluster_path_gives_the_same_rows(tmp_path: Path) -> None:
    from distributed import LocalCluster

    files = [_tiny(tmp_path, "baseline"),
             _tiny(tmp_path, "near", '[[change]]\ntype = "set_volunteers"\n'
                                     'field = "max_walk_minutes"\nvalue = 5\n')]  # fmt: skip
    local = run_scenarios(files, strategy="greedy", workers=2)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:  # fmt: skip
        remote = run_scenarios(files, strategy="greedy", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local, remote)


def test_report_from_a_comparison_table(tmp_path: Path) -> None:
    files = [_tiny(tmp_path, "baseline"), _tiny(tmp_path, "more", "[settings]\nseed = 2\n")]
    table = run_scenarios(files, strategy="greedy", workers=1)
    path = write_report(table, tmp_path / "report")
    assert path.name == "report.html" and "more" in path.read_text()


def test_the_report_shows_the_time_limit_the_runs_had(tmp_path: Path) -> None:
    files = [_tiny(tmp_path, "baseline", "[settings]\ntime_limit_s = 30\n")]
    table = run_scenarios(files, strategy="greedy", workers=1, time_limit=2)
    assert table.loc[0, "settings"] == "time_limit_s = 2"
    page = write_report(table, tmp_path / "report").read_text()
    assert "1 run of 1 scenario," in page


FINISHED = re.compile(
    r"finished (baseline|near) \(([12]) of 2\): served \d+\.\d%, gap \d+\.\d\d%, \d+\.\d s"
)
"""The line a run leaves in the log as it finishes: its name, served share, gap, seconds."""


@pytest.mark.parametrize("log_json", [True, False], ids=["json-lines", "plain"])
def test_each_finished_run_is_logged_and_the_end_names_the_report(
    tmp_path: Path, log_json: bool
) -> None:
    """Under cron (stderr not a terminal) a long comparison must not be silent until its
    end: a line per finished run, and the last line names both files a person opens."""
    near = '[[change]]\ntype = "set_volunteers"\nfield = "max_walk_minutes"\nvalue = 5\n'
    files = [str(_tiny(tmp_path, "baseline")), str(_tiny(tmp_path, "near", near))]
    out = tmp_path / "cmp"
    result = subprocess.run(
        [sys.executable, "-c", "from matcher.cli import main; main()",
         *(["--log-json"] if log_json else []), "scenario", "run", *files, "--out", str(out),
         "--time-limit", "1", "--workers", "1"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Glyph" not in result.stderr  # the report's charts and maps drew quietly
    if log_json:
        entries = [json.loads(line) for line in result.stderr.splitlines()]  # all JSON
        assert not [e for e in entries if e["logger"] == "py.warnings"]
        messages = [e["message"] for e in entries]
    else:
        messages = result.stderr.splitlines()
    finished = [FINISHED.fullmatch(m) for m in messages if m.startswith("finished ")]
    runs = [m for m in finished if m is not None]
    assert len(runs) == len(finished) == 2, messages
    assert {m[1] for m in runs} == {"baseline", "near"}  # each run, in the order they end
    assert [m[2] for m in runs] == ["1", "2"]  # counted as they end: "1 of 2", "2 of 2"
    # The result line: the last JSON line on stderr, or plain on stdout for scripts.
    said = messages[-1] if log_json else result.stdout.splitlines()[-1]
    assert said.startswith("wrote ")
    assert str(out / "report.html") in said and str(out / "comparison.csv") in said
    assert (out / "report.html").is_file() and (out / "comparison.csv").is_file()
