"""The data contract in code: pydantic models are its single source of truth."""

from matcher._internal.model.acceptance import (
    Answers,
    acceptance_probabilities,
    with_learned_rates,
)
from matcher._internal.model.entities import Request, Volunteer
from matcher._internal.model.problem import Problem
from matcher._internal.model.reasons import Reason
from matcher._internal.model.settings import Settings
from matcher._internal.model.solution import (
    Assignment,
    Change,
    ChangeKind,
    CommunitySummary,
    Explanation,
    SearchStats,
    Solution,
    Standby,
    Status,
    Strategy,
    Summary,
    Unassigned,
    relative_gap,
    status_of,
    summarise,
)
from matcher._internal.model.team import QINXIAN_TEAMS, Team
from matcher._internal.model.timefields import Interval
from matcher._internal.model.walking import WalkingTime

__all__ = [
    "QINXIAN_TEAMS",
    "Answers",
    "Assignment",
    "Change",
    "ChangeKind",
    "CommunitySummary",
    "Explanation",
    "Interval",
    "Problem",
    "Reason",
    "Request",
    "SearchStats",
    "Settings",
    "Solution",
    "Standby",
    "Status",
    "Strategy",
    "Summary",
    "Team",
    "Unassigned",
    "Volunteer",
    "WalkingTime",
    "acceptance_probabilities",
    "relative_gap",
    "status_of",
    "summarise",
    "with_learned_rates",
]
