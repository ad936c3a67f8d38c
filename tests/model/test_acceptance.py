"""Acceptance probabilities: given, learned with shrinkage toward the team, or the default."""

from __future__ import annotations

import pytest
from factories import volunteer
from hypothesis import given
from hypothesis import strategies as st

from matcher._internal.model import Answers, Settings, acceptance_probabilities
from matcher._internal.model.acceptance import shrunk_rate, team_rates

rates = st.floats(0.0, 1.0)
counts = st.integers(0, 10_000)


@given(rates, st.floats(0.5, 50.0))
def test_a_newcomer_has_the_prior_rate(prior: float, strength: float) -> None:
    assert shrunk_rate(Answers(), prior, strength) == pytest.approx(prior)


@given(counts, counts, rates, st.floats(0.5, 50.0))
def test_the_learned_rate_lies_between_the_prior_and_the_own_share(
    accepted: int, declined: int, prior: float, strength: float
) -> None:
    learned = shrunk_rate(Answers(accepted, declined), prior, strength)
    assert 0.0 <= learned <= 1.0
    if accepted + declined:
        own = accepted / (accepted + declined)
        assert min(own, prior) - 1e-12 <= learned <= max(own, prior) + 1e-12


@given(st.floats(0.05, 0.95), rates)
def test_many_answers_give_the_own_rate(own: float, prior: float) -> None:
    answers = 100_000
    accepted = round(own * answers)
    learned = shrunk_rate(Answers(accepted, answers - accepted), prior, 10.0)
    assert learned == pytest.approx(accepted / answers, abs=1e-3)


@given(st.integers(0, 20), st.integers(0, 20), rates)
def test_more_answers_move_the_rate_toward_the_own_share(
    accepted: int, declined: int, prior: float
) -> None:
    """Doubling the same answers never moves the rate away from the observed share."""
    if accepted + declined == 0:
        return
    own = accepted / (accepted + declined)
    once = shrunk_rate(Answers(accepted, declined), prior, 10.0)
    twice = shrunk_rate(Answers(2 * accepted, 2 * declined), prior, 10.0)
    assert abs(twice - own) <= abs(once - own) + 1e-12


def test_order_given_then_learned_then_team_then_default() -> None:
    settings = Settings(default_acceptance_rate=0.7, acceptance_prior_answers=10)
    people = [
        volunteer("GIVEN", team="care", acceptance_rate=0.3),
        volunteer("VETERAN", team="care"),
        volunteer("NEWCOMER", team="care"),
        volunteer("LONER", team="repair"),
    ]
    answers = {"VETERAN": Answers(accepted=90, declined=10), "GIVEN": Answers(0, 50)}
    p = acceptance_probabilities(people, settings, answers)
    assert p["GIVEN"] == 0.3  # the column wins over answers
    care = (90 + 0 + 10 * 0.7) / (150 + 10)  # pooled answers of the team, shrunk to 0.7
    assert team_rates(people, answers, default_rate=0.7, prior_answers=10)["care"] == (
        pytest.approx(care)
    )
    assert p["VETERAN"] == pytest.approx((90 + 10 * care) / (100 + 10))
    assert p["NEWCOMER"] == pytest.approx(care)
    assert p["LONER"] == pytest.approx(0.7)


def test_without_answers_a_team_has_its_members_given_rates() -> None:
    people = [
        volunteer("A", acceptance_rate=0.5),
        volunteer("B", acceptance_rate=0.9),
        volunteer("C"),
    ]
    p = acceptance_probabilities(people, Settings())
    assert p["C"] == pytest.approx(0.7)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Answers(accepted=-1)
