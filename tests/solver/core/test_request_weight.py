"""The optional per-request `weight`: it replaces weight(priority) in the objective, the bound
and the reports, and a bad one is an input error naming the file, the row and the field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import assert_valid, north, problem, request, volunteer

from matcher import InputError, load_problem, solve


def test_a_request_weight_decides_who_is_served() -> None:
    # One volunteer, two requests at the same time: priority alone would pick "urgent".
    vols = [volunteer("v0")]
    reqs = [
        request("urgent", priority=5),
        request("scored", priority=1, weight=40, where=north(100)),
    ]
    p = problem(vols, reqs)
    solution = solve(p)
    assert_valid(p, solution)
    assert solution.served_request_ids() == {"scored"}
    assert solution.summary.served_weight == 40
    assert solution.summary.upper_bound == 40 and solution.summary.status == "optimal"


def test_weights_read_from_csv_and_blank_means_priority(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[3] / "data" / "sample"
    reqs = pd.read_csv(sample / "requests.csv", dtype=str, keep_default_na=False)
    reqs["weight"] = ""
    reqs.loc[0, "weight"] = "25"
    reqs.to_csv(tmp_path / "requests.csv", index=False)
    p = load_problem(sample / "volunteers.csv", tmp_path / "requests.csv")
    assert p.requests[0].weight == 25
    assert p.settings.request_weight(p.requests[0]) == 25
    assert all(r.weight is None for r in p.requests[1:])
    assert p.settings.request_weight(p.requests[1]) == p.settings.weight(p.requests[1].priority)


@pytest.mark.parametrize("bad", ["0", "-3", "2.5", "heavy"])
def test_a_bad_weight_names_file_row_and_field(tmp_path: Path, bad: str) -> None:
    sample = Path(__file__).resolve().parents[3] / "data" / "sample"
    reqs = pd.read_csv(sample / "requests.csv", dtype=str, keep_default_na=False)
    reqs["weight"] = ""
    reqs.loc[3, "weight"] = bad
    reqs.to_csv(tmp_path / "requests.csv", index=False)
    with pytest.raises(InputError) as caught:
        load_problem(sample / "volunteers.csv", tmp_path / "requests.csv")
    assert "requests.csv, line 5, field 'weight'" in str(caught.value)
