"""The generated community has the shape of Qinxian: teams, skills, places, times, crews."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from matcher._internal.generate import generate_community, geography
from matcher._internal.generate.profiles import CROSS_SKILLS, KINDS, SKILL_WEIGHTS
from matcher._internal.geo import great_circle_m
from matcher._internal.model import QINXIAN_TEAMS

DAY = date(2026, 12, 1)
EVENTS = {"event_photo", "event_coordination", "notice_campaign"}
TEAMS = {t.code: t for t in QINXIAN_TEAMS}


@pytest.fixture(scope="module")
def community() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_community(2000, 3000, days=2, seed=21, start=DAY)


def test_profiles_match_the_catalogue() -> None:
    """Every kind belongs to its team in the catalogue and asks only for that team's skills."""
    assert {k.kind for k in KINDS} == {kind for t in QINXIAN_TEAMS for kind in t.kinds}
    for profile in KINDS:
        team = TEAMS[profile.team]
        assert profile.kind in team.kinds
        for skills, _ in profile.skills:
            assert set(skills) <= set(team.skills), profile.kind
    for code, weights in SKILL_WEIGHTS.items():
        assert set(weights) == set(TEAMS[code].skills)


def test_teams_are_uneven(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sizes = community[0]["team"].value_counts()
    assert set(sizes.index) == set(TEAMS)
    assert set(sizes.index[:2]) == {"care", "convenience"}
    assert sizes["photo"] < sizes["publicity"] < sizes["care"] / 3


def test_skills_come_from_the_team(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    vols = community[0]
    for team, skills in zip(vols["team"], vols["skills"], strict=True):
        own = [s for s in skills if s in TEAMS[team].skills]
        assert 1 <= len(own) <= 3
        assert set(skills) - set(own) <= set(CROSS_SKILLS)
    holders = Counter(s for skills in vols["skills"] for s in skills)
    assert all(holders[s] > 0 for t in QINXIAN_TEAMS for s in t.skills)


def test_languages(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    vols, reqs = community
    spoken = Counter(lang for langs in vols["languages"] for lang in langs)
    assert spoken["mandarin"] == len(vols)
    assert 0.2 * len(vols) < spoken["jin"] < 0.8 * len(vols)
    assert 0 < spoken["english"] < 0.2 * len(vols)
    assert set(reqs["language"].dropna()) == {"jin"}


def test_caps_vary_around_the_defaults(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    vols = community[0]
    minutes = vols["max_minutes_per_day"]
    assert minutes.between(120, 360).all()
    assert (minutes == 240).mean() > 0.5 and minutes.nunique() > 3
    assert (vols["max_walk_minutes"] == 15).mean() > 0.6
    assert set(vols["max_walk_minutes"]) == {10, 15, 20}
    tasks = vols["max_tasks_per_day"]
    assert 0.1 < tasks.notna().mean() < 0.5 and tasks.dropna().between(1, 10).all()


def test_everything_lies_within_a_kilometre_of_the_centre(
    community: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    for frame in community:
        metres = great_circle_m(
            geography.CENTRE_LAT, geography.CENTRE_LON, frame["lat"], frame["lon"]
        )
        assert metres.max() < 1000
    homes = community[0]
    near = great_circle_m(homes["lat"], homes["lon"], geography.CENTRE_LAT, geography.CENTRE_LON)
    assert np.median(near) > 150  # clustered on the compounds, not on the centre


def _intervals(cells: list[str]) -> list[tuple[datetime, datetime]]:
    spans = []
    for cell in cells:
        start, end = cell.split("/")
        spans.append((datetime.fromisoformat(start), datetime.fromisoformat(end)))
    return spans


def test_availability_is_ordered_and_disjoint(
    community: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    vols = community[0]
    for cells in vols["availability"]:
        spans = _intervals(cells)
        assert all(start < end for start, end in spans)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start  # touching blocks are merged, so a gap always remains
    off = vols["availability"].map(len) == 0
    assert 0.05 < off.mean() < 0.7  # some volunteers are not available on some days


def test_night_duty_exists(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    vols = community[0]
    night = [
        team
        for team, cells in zip(vols["team"], vols["availability"], strict=True)
        for start, end in _intervals(cells)
        if end.date() > start.date() or start.hour < 6
    ]
    assert night and set(night) <= {"care", "medical"}


def test_crews(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    reqs = community[1]
    crew = reqs.groupby("kind")["volunteers_needed"]
    assert (crew.min()["hospital_escort"], crew.max()["hospital_escort"]) == (2, 2)
    for kind in EVENTS:
        assert crew.min()[kind] >= 2 and crew.max()[kind] <= 4
    others = reqs[~reqs["kind"].isin(EVENTS | {"hospital_escort"})]
    assert len(others) and (others["volunteers_needed"] == 1).all()


def test_windows_and_durations(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    reqs = community[1]
    width = (reqs["latest_start"] - reqs["earliest_start"]).dt.total_seconds() / 60
    assert width.between(0, 360).all()
    fixed = width == 0
    assert 0.05 < fixed.mean() < 0.4
    assert fixed[reqs["kind"] == "hospital_escort"].mean() > 0.7
    assert width[~fixed & (reqs["priority"] < 5)].min() >= 30
    assert reqs["duration_minutes"].between(15, 180).all()


def test_urgent_calls_at_any_hour(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    reqs = community[1]
    urgent = reqs[reqs["priority"] == 5]
    calls = urgent[urgent["kind"] == "one_click_call"]
    assert len(calls) > 0.5 * len(urgent)
    width = (calls["latest_start"] - calls["earliest_start"]).dt.total_seconds() / 60
    assert width.between(1, 30).all()
    hours = calls["earliest_start"].dt.hour
    assert ((hours < 6) | (hours >= 22)).sum() > 0


def test_priorities_mostly_two_or_three(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    share = community[1]["priority"].value_counts(normalize=True)
    assert share[2] + share[3] > 0.6
    assert 0.05 < share[4] < 0.3
    assert set(share.index) == {1, 2, 3, 4, 5}


def test_teams_and_skills_of_requests(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    reqs = community[1]
    by_kind = {k.kind: k.team for k in KINDS}
    named = reqs[reqs["team"].notna()]
    assert (named["team"] == named["kind"].map(by_kind)).all()
    for team, skills in zip(named["team"], named["required_skills"], strict=True):
        assert set(skills) <= set(TEAMS[team].skills)
    open_team = reqs[reqs["team"].isna()]
    assert 0.02 < len(open_team) / len(reqs) < 0.2
    assert all(open_team["required_skills"].map(len) > 0)
    escort = reqs[reqs["kind"] == "hospital_escort"]["required_skills"]
    assert len(escort) and all("escort" in s for s in escort)


def test_residents_ask_more_than_once(community: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    asks = community[1]["resident_id"].value_counts()
    assert (asks > 1).sum() > 100
    assert community[1]["resident_id"].isna().any()  # community events have no resident


def test_wishes_name_real_suitable_volunteers(
    community: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    vols, reqs = community
    team = dict(zip(vols["volunteer_id"], vols["team"], strict=True))
    skills = dict(zip(vols["volunteer_id"], vols["skills"], strict=True))
    preferred: list[list[str]] = reqs["preferred_volunteers"].tolist()
    excluded: list[list[str]] = reqs["excluded_volunteers"].tolist()
    needs: list[list[str]] = reqs["required_skills"].tolist()
    teams: list[str | None] = [t if isinstance(t, str) else None for t in reqs["team"]]
    wished = [i for i, p in enumerate(preferred) if p]
    assert 0.02 * len(reqs) < len(wished) < 0.1 * len(reqs)
    for i in wished:
        for vid in preferred[i]:
            assert teams[i] is None or team[vid] == teams[i]
            assert set(needs[i]) <= set(skills[vid])
    avoided = [i for i, e in enumerate(excluded) if e]
    assert avoided
    for i in avoided:
        assert all(vid in team for vid in excluded[i])
        assert not set(excluded[i]) & set(preferred[i])
