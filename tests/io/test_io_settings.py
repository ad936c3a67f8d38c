"""Settings from TOML or JSON files and mappings; bad keys and values are named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from matcher import InputError, Settings, load_problem, load_settings
from matcher._internal.io import Issue

ONE_REQUEST = {
    "request_id": "r1",
    "kind": "ride",
    "lat": 31.2,
    "lon": 121.4,
    "earliest_start": "2026-12-01T01:00:00Z",
    "latest_start": "2026-12-01T02:00:00Z",
    "duration_minutes": 30,
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def settings_issues(settings: Any) -> list[Issue]:
    with pytest.raises(InputError) as caught:
        load_settings(settings)
    return caught.value.issues


def test_no_settings_are_the_defaults() -> None:
    settings = load_settings(None)
    assert settings == Settings()
    assert settings.timezone == "Asia/Shanghai"
    assert [settings.weight(p) for p in range(1, 6)] == [1, 2, 4, 8, 16]


def test_a_settings_model_is_used_as_it_is() -> None:
    settings = Settings(seed=7)
    assert load_settings(settings) is settings


def test_settings_from_toml(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "run.toml",
        'timezone = "Europe/Berlin"\ntime_limit_s = 5\n\n[priority_weights]\n'
        "1 = 1\n2 = 3\n3 = 9\n4 = 27\n5 = 81\n",
    )
    settings = load_settings(path)
    assert (settings.timezone, settings.time_limit_s) == ("Europe/Berlin", 5.0)
    assert settings.weight(5) == 81


def test_settings_from_json(tmp_path: Path) -> None:
    path = write(tmp_path, "run.json", '{"seed": 3, "detour_factor": 1.5}')
    settings = load_settings(str(path))
    assert (settings.seed, settings.detour_factor) == (3, 1.5)


def test_settings_from_a_mapping() -> None:
    assert load_settings({"walk_weight": 0.5}).walk_weight == 0.5


def test_unknown_keys_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "run.toml", 'timezon = "Europe/Berlin"\nseed = 1\ntime_limt = 3\n')
    issues = settings_issues(path)
    assert [(i.source, i.row, i.field) for i in issues] == [
        ("run.toml", "", "timezon"),
        ("run.toml", "", "time_limt"),
    ]
    assert issues[0].message.startswith("unknown setting; known settings: ")
    assert "timezone" in issues[0].message
    assert str(issues[0]).startswith("run.toml, field 'timezon': unknown setting")


def test_bad_values_are_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "run.json",
        '{"walk_weight": -1, "timezone": "Mars/Olympus", "priority_weights": {"1": 1}}',
    )
    issues = settings_issues(path)
    assert [i.field for i in issues] == ["priority_weights", "walk_weight", "timezone"]
    assert "lacks priorities [2, 3, 4, 5]" in issues[0].message
    assert "greater than or equal to 0 (got -1)" in issues[1].message
    assert "unknown time zone 'Mars/Olympus'" in issues[2].message


def test_bad_keys_in_a_mapping_are_named() -> None:
    (issue,) = settings_issues({"workers": 0})
    assert (issue.source, issue.field) == ("settings", "workers")


def test_malformed_toml(tmp_path: Path) -> None:
    (issue,) = settings_issues(write(tmp_path, "run.toml", "seed = = 1\n"))
    assert issue.source.endswith("run.toml")
    assert issue.message.startswith("cannot be read")


def test_a_missing_settings_file(tmp_path: Path) -> None:
    (issue,) = settings_issues(tmp_path / "run.toml")
    assert issue.message == "file not found"


def test_an_unsupported_settings_file(tmp_path: Path) -> None:
    (issue,) = settings_issues(write(tmp_path, "run.yaml", "seed: 1\n"))
    assert "unsupported settings file type '.yaml'" in issue.message


def test_load_problem_reads_settings_and_uses_their_time_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "run.toml", 'timezone = "Europe/London"\n')
    problem = load_problem([], [ONE_REQUEST], settings=path)
    assert problem.settings.timezone == "Europe/London"
    assert problem.requests[0].earliest_start.hour == 1


def test_bad_settings_stop_load_problem(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_problem([], [ONE_REQUEST], settings={"colour": "blue"})
    assert [i.field for i in caught.value.issues] == ["colour"]
