"""The offers' states in the database against a plain model of them (a hypothesis state
machine): plans published over and over, answers given in any order, impossible ones
refused with nothing recorded."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy.pool import StaticPool

from matcher._internal.io.store import offers
from matcher._internal.io.store.offers import Answer, OfferState
from matcher._internal.model import Assignment, Solution, Strategy, summarise
from matcher._internal.model.settings import Settings

DAY = date(2026, 12, 1)
PAIRS = [("R1", "V1"), ("R1", "V2"), ("R2", "V1"), ("R3", "V3")]
SLOTS = [datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 14)]

ANSWERS = {
    "offered": {"accepted", "declined", "expired"},
    "accepted": {"declined", "done", "no_show"},
}
"""The issue's answers, written out plainly: what each state may become by an answer."""
FINAL = {"declined", "expired", "done", "no_show"}


def plan_of(rows: dict[tuple[str, str], datetime]) -> Solution:
    assignments = [
        Assignment(request_id=r, volunteer_id=v, team="care", start=at,
                   end=at + timedelta(minutes=30), walk_minutes=1.0)
        for (r, v), at in rows.items()
    ]  # fmt: skip
    summary = summarise(
        assignments, strategy=Strategy.GREEDY, served_weight=0, upper_bound=0,
        requests_total=3, requests_served=0, requests_unassigned=0, seconds=0.0,
        first_schedule_seconds=0.0, per_team={}, settings=Settings(),
    )  # fmt: skip
    return Solution(assignments=assignments, unassigned=[], summary=summary)


class OffersMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = sa.create_engine("sqlite://", poolclass=StaticPool,
                                       connect_args={"check_same_thread": False})  # fmt: skip
        offers.ensure_tables(self.engine)
        self.model: dict[tuple[str, str], tuple[str, int, datetime]] = {}
        self.events = 0
        self.clock = datetime(2026, 11, 30, 20)

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    @rule(chosen=st.dictionaries(st.sampled_from(PAIRS), st.sampled_from(SLOTS)))
    def publish(self, chosen: dict[tuple[str, str], datetime]) -> None:
        """A plan of every request (a nightly run or a re-plan): its pairs are offers."""
        with self.engine.begin() as connection:
            offers.sync(connection, "run", DAY, plan_of(chosen), {"R1", "R2", "R3"}, self.tick(),
                        "published")  # fmt: skip
        for pair, at in chosen.items():
            old = self.model.get(pair)
            if old is None:
                self.model[pair], self.events = ("offered", 0, at), self.events + 1
            elif old[0] in FINAL:
                continue
            elif old[0] == "withdrawn" or old[2] != at:
                self.model[pair], self.events = ("offered", old[1] + 1, at), self.events + 1
        for pair, (state, sequence, at) in list(self.model.items()):
            if pair not in chosen and state in ("offered", "accepted"):
                self.model[pair], self.events = ("withdrawn", sequence + 1, at), self.events + 1

    @rule(pair=st.sampled_from([*PAIRS, ("R9", "V1")]),
          to=st.sampled_from(["accepted", "declined", "expired", "done", "no_show"]))  # fmt: skip
    def answer(self, pair: tuple[str, str], to: str) -> None:
        old = self.model.get(pair)
        given = Answer(pair[0], pair[1], OfferState(to), "test")
        if old is None:
            with pytest.raises(offers.OfferNotFound):
                offers.answer(self.engine, given)
        elif to in ANSWERS.get(old[0], set()):
            offers.answer(self.engine, given)
            self.model[pair], self.events = (to, old[1] + 1, old[2]), self.events + 1
        else:
            with pytest.raises(offers.ImpossibleTransition):
                offers.answer(self.engine, given)

    @invariant()
    def the_database_is_the_model(self) -> None:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(offers.offers)).all()
            logged = connection.execute(
                sa.select(offers.offer_events).order_by(offers.offer_events.c.event_id)
            ).all()  # fmt: skip
        stored = {(r.request_id, r.volunteer_id): (r.state, r.sequence, r.start) for r in rows}
        assert stored == self.model
        assert len(logged) == self.events
        last: dict[tuple[str, str], int] = {}
        for event in logged:  # every change is logged, each with a higher sequence
            pair = (event.request_id, event.volunteer_id)
            assert event.sequence > last.get(pair, -1)
            last[pair] = event.sequence
        assert {pair: self.model[pair][1] for pair in last} == last

    @invariant()
    def refusals_are_the_declined_and_expired_pairs(self) -> None:
        refused: dict[str, set[str]] = {}
        for (r, v), (state, _, _) in self.model.items():
            if state in ("declined", "expired"):
                refused.setdefault(r, set()).add(v)
        assert offers.refusals(self.engine) == refused


OffersMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25,
                                           deadline=None)  # fmt: skip
test_offer_states_follow_the_model = OffersMachine.TestCase


def test_every_state_is_in_the_transition_table_and_finals_lead_nowhere() -> None:
    assert set(offers.TRANSITIONS) == set(OfferState)
    for state in FINAL:
        assert offers.TRANSITIONS[OfferState(state)] == frozenset()
    for state, allowed in ANSWERS.items():
        answers = {OfferState(a) for a in allowed}
        assert answers <= offers.TRANSITIONS[OfferState(state)]
