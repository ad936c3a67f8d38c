"""The nightly job and offers: accepted offers are pins, declined pairs are exclusions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from databases import KINDS, fill, fresh_database, sample_table
from typer.testing import CliRunner

from matcher._internal.batch import run_database
from matcher._internal.check.schedule import check_schedule
from matcher._internal.io.store import database as db
from matcher._internal.io.store import offers, plan_versions
from matcher._internal.model import Settings
from matcher._internal.service.live_plans import Plans
from matcher._internal.solver import solve
from matcher.cli import app


@pytest.mark.parametrize("kind", KINDS)
def test_nightly_keeps_accepted_offers_as_pins_and_never_reoffers_a_decline(
    kind: str, tmp_path: Path
) -> None:
    """A request whose offer was accepted keeps its crew and time in the next nightly run,
    though a fresh plan would give it to someone else; a declined pair is not offered
    again."""
    with fresh_database(kind, tmp_path) as database:
        _nightly_pins(database)


def _nightly_pins(database: str) -> None:
    day = date(2026, 12, 1)
    vols, reqs = sample_table("volunteers"), sample_table("requests")
    engine = sa.create_engine(database)
    fill(database, vols, reqs)
    db.ensure_tables(engine)
    full = plan_versions.load_plan_problem(engine, day, 1, Settings())
    fresh = solve(full, strategy="greedy").crews()
    rid, first = next((r, c[0].volunteer_id) for r, c in sorted(fresh.items()) if len(c) == 1)
    fill(database, vols[vols["volunteer_id"] != first], reqs)  # tonight's export lacks them
    nightly = ["solve", "--db", database, "--plan-date", str(day), "--strategy", "greedy",
               "--time-limit", "5"]  # fmt: skip
    assert CliRunner().invoke(app, nightly).exit_code == 0
    head = plan_versions.head(engine, day)
    assert head is not None
    crew = plan_versions.load_solution(engine, head.run_id).crews()[rid]
    other = crew[0].volunteer_id
    offers.answer(engine, offers.Answer(rid, other, offers.OfferState.ACCEPTED, "test"))
    live = Plans(engine, Settings())
    plan = live.current(day).solution.crews()
    no_rid, no_vid = next((r, c[0].volunteer_id) for r, c in sorted(plan.items()) if r != rid)
    live.refuse(no_rid, no_vid)

    fill(database, vols, reqs)  # they are back: a fresh plan would give them the request
    unpinned = solve(plan_versions.load_plan_problem(engine, day, 1, Settings()),
                     strategy="greedy").crews()  # fmt: skip
    assert [a.volunteer_id for a in unpinned[rid]] == [first]
    assert CliRunner().invoke(app, nightly).exit_code == 0
    head = plan_versions.head(engine, day)
    assert head is not None
    after = plan_versions.load_solution(engine, head.run_id)
    assert [(a.volunteer_id, a.start) for a in after.crews()[rid]] == [(other, crew[0].start)]
    kept = offers.get(engine, rid, other)
    assert kept is not None and (kept.state, kept.run_id) == ("accepted", head.run_id)
    assert no_vid not in {a.volunteer_id for a in after.crews().get(no_rid, [])}
    problem = plan_versions.load_plan_problem(engine, day, 1, Settings())
    done, left = db.run_frames(engine, head.run_id)
    report = check_schedule(problem, done, left)
    assert report.ok, report.violations[:5]
    engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_nightly_plans_standbys_from_rates_learned_from_answers(kind: str, tmp_path: Path) -> None:
    """With standbys planned, the nightly job gives each volunteer without an
    `acceptance_rate` the rate learned from their stored answers: one who declined falls
    below their team's rate, one who accepted rises above it, the silent keep it."""
    with fresh_database(kind, tmp_path) as database:
        _learned_rates(database)


def _learned_rates(database: str) -> None:
    day = date(2026, 12, 1)
    fill(database, sample_table("volunteers"), sample_table("requests"))
    engine = sa.create_engine(database)
    nightly = ["solve", "--db", database, "--plan-date", str(day), "--strategy", "greedy",
               "--time-limit", "5"]  # fmt: skip
    assert CliRunner().invoke(app, nightly).exit_code == 0
    head = plan_versions.head(engine, day)
    assert head is not None
    crews = plan_versions.load_solution(engine, head.run_id).crews()
    problem = plan_versions.load_plan_problem(engine, day, 1, Settings())
    team_of = {v.volunteer_id: v.team for v in problem.volunteers}
    firsts = [(r, crew[0].volunteer_id) for r, crew in sorted(crews.items())]
    (no_rid, no_vid), (yes_rid, yes_vid) = next(
        (x, y) for x in firsts for y in firsts if x[1] != y[1] and team_of[x[1]] == team_of[y[1]]
    )
    offers.answer(engine, offers.Answer(no_rid, no_vid, offers.OfferState.DECLINED, "test"))
    offers.answer(engine, offers.Answer(yes_rid, yes_vid, offers.OfferState.ACCEPTED, "test"))
    counts = offers.answer_counts(engine)
    assert (counts[no_vid].accepted, counts[no_vid].declined) == (0, 1)
    assert (counts[yes_vid].accepted, counts[yes_vid].declined) == (1, 0)
    assert len(counts) == 2  # open offers are no answer

    settings = Settings(plan_standbys=True, time_limit_s=5)
    result = run_database(database, plan_date=day, days=1, out=None, teams=None,
                          settings=settings, strategy="greedy")  # fmt: skip
    rates = {v.volunteer_id: v.acceptance_rate for v in result.problem.volunteers}
    team = (  # the team's two answers, pooled and shrunk toward the default
        1 + settings.acceptance_prior_answers * settings.default_acceptance_rate
    ) / (2 + settings.acceptance_prior_answers)
    assert rates[no_vid] == pytest.approx(
        (0 + settings.acceptance_prior_answers * team) / (1 + settings.acceptance_prior_answers)
    )
    assert rates[no_vid] < team < rates[yes_vid]
    silent = [
        v.volunteer_id
        for v in result.problem.volunteers
        if v.team == team_of[no_vid] and v.volunteer_id not in counts
    ]
    assert silent and all(rates[v] == pytest.approx(team) for v in silent)
    engine.dispose()
