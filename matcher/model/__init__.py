"""The data contract in code: pydantic models are its single source of truth."""

from matcher.model.entities import Request, Volunteer
from matcher.model.problem import Problem
from matcher.model.reasons import Reason
from matcher.model.settings import Settings
from matcher.model.solution import (
    Assignment,
    Change,
    Solution,
    Summary,
    Unassigned,
    relative_gap,
)
from matcher.model.team import QINXIAN_TEAMS, Team
from matcher.model.timefields import Interval

__all__ = [
    "QINXIAN_TEAMS",
    "Assignment",
    "Change",
    "Interval",
    "Problem",
    "Reason",
    "Request",
    "Settings",
    "Solution",
    "Summary",
    "Team",
    "Unassigned",
    "Volunteer",
    "relative_gap",
]
