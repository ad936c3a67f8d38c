"""`matcher generate --communities K`: K Qinxian-like communities a few kilometres apart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

import matcher
from matcher._internal.generate import generate_city, generate_community
from matcher._internal.generate.city import SEED_STRIDE
from matcher.cli import app

DAY = date(2026, 12, 1)


def _metres(frame: pd.DataFrame) -> np.ndarray:
    lat, lon = frame["lat"].to_numpy(), frame["lon"].to_numpy()
    return np.stack([lat * 111_195.0, lon * 111_195.0 * np.cos(np.radians(37.87))], axis=1)


def test_communities_are_apart_with_their_code_on_every_id() -> None:
    vols, reqs = generate_city(4, 80, 60, seed=3, start=DAY)
    assert vols["volunteer_id"].is_unique and reqs["request_id"].is_unique
    assert sorted(vols["community"].unique()) == ["C01", "C02", "C03", "C04"]
    for frame, key in ((vols, "volunteer_id"), (reqs, "request_id")):
        assert (frame[key].str.split("-").str[0] == frame["community"]).all()
    residents = reqs.dropna(subset=["resident_id"])
    assert (residents["resident_id"].str.split("-").str[0] == residents["community"]).all()
    for _, r in reqs.iterrows():
        for vid in [*r["preferred_volunteers"], *r["excluded_volunteers"]]:
            assert vid.startswith(r["community"] + "-")
    points = {c: _metres(pd.concat([vols[vols.community == c], reqs[reqs.community == c]]))
              for c in ("C01", "C02", "C03", "C04")}  # fmt: skip
    for a in points:
        for b in points:
            if a < b:
                gap = np.linalg.norm(points[a][:, None, :] - points[b][None, :, :], axis=2).min()
                assert gap > 1500  # a 15-minute walk is about 870 m


def test_each_community_is_the_generated_community_moved() -> None:
    vols, _ = generate_city(2, 50, 40, seed=3, start=DAY)
    alone, _ = generate_community(50, 40, seed=3 * SEED_STRIDE + 1, start=DAY)
    second = vols[vols.community == "C02"].reset_index(drop=True)
    assert list(second["volunteer_id"]) == ["C02-" + v for v in alone["volunteer_id"]]
    assert (second["team"] == alone["team"]).all()
    shift = second["lon"] - alone["lon"]
    assert np.allclose(shift, shift.iloc[0], atol=2e-6) and shift.iloc[0] > 0.03


def test_the_command_writes_a_city_that_loads(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path), "--communities", "3",
                                      "--volunteers", "40", "--requests", "30", "--start",
                                      "2026-12-01"])  # fmt: skip
    assert result.exit_code == 0, result.output
    problem = matcher.load_problem(tmp_path / "volunteers.csv", tmp_path / "requests.csv")
    assert len(problem.volunteers) == 120 and len(problem.requests) == 90
    assert {v.community for v in problem.volunteers} == {"C01", "C02", "C03"}
