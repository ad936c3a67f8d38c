"""A problem: the volunteers, the requests, the team catalogue and the settings of one run."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from matcher._internal.model.entities import Request, Volunteer
from matcher._internal.model.settings import Settings
from matcher._internal.model.team import QINXIAN_TEAMS, Team
from matcher._internal.model.walking import WalkingTime


class Problem(BaseModel):
    """Validated input of a solve. Build it with `matcher.load_problem` or directly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    volunteers: tuple[Volunteer, ...]
    requests: tuple[Request, ...]
    teams: tuple[Team, ...] = QINXIAN_TEAMS
    settings: Settings = Field(default_factory=Settings)
    walking_times: tuple[WalkingTime, ...] = ()
    """A walking-time table; where it has a pair it replaces the great-circle estimate."""
    warnings: tuple[str, ...] = ()
    """Findings that do not stop a run (a skill no volunteer has, an unknown kind)."""

    def with_settings(self, **overrides: Any) -> Problem:
        """The same problem with some settings replaced (validated like any settings)."""
        if not overrides:
            return self
        settings = Settings.model_validate({**self.settings.model_dump(), **overrides})
        return self.model_copy(update={"settings": settings})

    def team_codes(self) -> set[str]:
        return {t.code for t in self.teams}
