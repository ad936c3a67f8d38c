"""Each volunteer's probability of accepting an offer: given, learned, or their team's.

Volunteers are people: some accept most offers, some few. Standbys are planned from these
probabilities. In order of preference a volunteer's probability is
- their `acceptance_rate` column, when the input gives it;
- learned from their past answers (counts of accepted and declined offers, from wherever
  the answers are stored): a Beta prior worth `Settings.acceptance_prior_answers` answers at
  their team's rate, updated by their own answers, so a newcomer has the team's rate and a
  volunteer with many answers their own;
- their team's rate: the team's pooled answers shrunk the same way toward
  `Settings.default_acceptance_rate`, else the mean of teammates' given rates, else the
  default itself.

This lives in `model/` (no solver code) so that the solver, the checker's callers, the
database layer and the benchmarks can all read the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher._internal.model.entities import Volunteer
from matcher._internal.model.problem import Problem
from matcher._internal.model.settings import Settings


@dataclass(frozen=True)
class Answers:
    """How a volunteer answered their past offers (expired offers count as declined)."""

    accepted: int = 0
    declined: int = 0

    def __post_init__(self) -> None:
        if self.accepted < 0 or self.declined < 0:
            raise ValueError("answer counts must not be negative")

    @property
    def total(self) -> int:
        return self.accepted + self.declined


def shrunk_rate(answers: Answers, prior_rate: float, prior_answers: float) -> float:
    """The posterior mean of a Beta prior worth `prior_answers` answers at `prior_rate`,
    after `answers`: `prior_rate` with no answers, tending to the observed share with many."""
    if not 0.0 <= prior_rate <= 1.0:
        raise ValueError(f"prior_rate {prior_rate} is not a probability")
    if prior_answers <= 0:
        raise ValueError("prior_answers must be positive")
    return (answers.accepted + prior_answers * prior_rate) / (answers.total + prior_answers)


def team_rates(
    volunteers: Sequence[Volunteer],
    answers: Mapping[str, Answers],
    *,
    default_rate: float,
    prior_answers: float,
) -> dict[str, float]:
    """Each team's acceptance rate: its members' answers pooled and shrunk toward
    `default_rate`; without answers, the mean of its members' given rates; else the default."""
    pooled: dict[str, list[int]] = {}
    given: dict[str, list[float]] = {}
    for v in volunteers:
        counts = answers.get(v.volunteer_id)
        if counts is not None and counts.total:
            total = pooled.setdefault(v.team, [0, 0])
            total[0] += counts.accepted
            total[1] += counts.declined
        if v.acceptance_rate is not None:
            given.setdefault(v.team, []).append(v.acceptance_rate)
    rates: dict[str, float] = {}
    for team in {v.team for v in volunteers}:
        if team in pooled:
            accepted, declined = pooled[team]
            rates[team] = shrunk_rate(Answers(accepted, declined), default_rate, prior_answers)
        elif team in given:
            rates[team] = sum(given[team]) / len(given[team])
        else:
            rates[team] = default_rate
    return rates


def acceptance_probabilities(
    volunteers: Sequence[Volunteer],
    settings: Settings,
    answers: Mapping[str, Answers] | None = None,
) -> dict[str, float]:
    """Each volunteer's probability of accepting an offer, by id (see the module's order)."""
    answers = answers or {}
    teams = team_rates(
        volunteers,
        answers,
        default_rate=settings.default_acceptance_rate,
        prior_answers=settings.acceptance_prior_answers,
    )
    out: dict[str, float] = {}
    for v in volunteers:
        if v.acceptance_rate is not None:
            out[v.volunteer_id] = v.acceptance_rate
        else:
            own = answers.get(v.volunteer_id, Answers())
            out[v.volunteer_id] = shrunk_rate(own, teams[v.team], settings.acceptance_prior_answers)
    return out


def with_learned_rates(problem: Problem, answers: Mapping[str, Answers]) -> Problem:
    """`problem` with every volunteer who has no `acceptance_rate` given the rate learned
    from `answers` (their own, shrunk toward their team's). A given rate is kept: it is
    the user's word. Without answers the problem is returned as it is."""
    if not answers:
        return problem
    rates = acceptance_probabilities(problem.volunteers, problem.settings, answers)
    volunteers = tuple(
        v if v.acceptance_rate is not None
        else v.model_copy(update={"acceptance_rate": rates[v.volunteer_id]})
        for v in problem.volunteers
    )  # fmt: skip
    return problem.model_copy(update={"volunteers": volunteers})
