"""What the checker found: one readable line per broken rule, and a headline for scripts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Rule(StrEnum):
    """Labels of the checks. The value is what a violation line starts with.

    Rules 6, 7 and 8 have two halves each, labelled apart so a coordinator (and a test) can
    tell an overlap from a too-short walk, or the minutes cap from the tasks cap.
    """

    TEAM = "R1 team"
    COMMUNITY = "R1 community"
    SKILLS = "R2 skills"
    CREW = "R3 crew"
    AVAILABILITY = "R4 availability"
    REACH = "R5 reach"
    OVERLAP = "R6 overlap"
    TRAVEL = "R6 travel"
    DAY_MINUTES = "R7 minutes"
    DAY_TASKS = "R7 tasks"
    EXCLUSION = "R8 exclusion"
    LANGUAGE = "R8 language"
    COVERAGE = "coverage"
    REFERENCE = "reference"
    REASON = "unassigned reason"
    STANDBY_REFERENCE = "standby reference"
    """A standby naming an unknown or unserved request, an unknown volunteer, or twice."""
    STANDBY_TIME = "standby time"
    """A standby's start and end are not its request's planned start and end."""
    STANDBY_CREW = "standby crew"
    """A standby on its own request's crew."""
    STANDBY_ELIGIBLE = "standby eligible"
    """R1, R2 and R8 for the standby as if they served: team, community, skills, not
    excluded, and a speaker of the request's language where it names one."""
    STANDBY_REACH = "standby reach"
    STANDBY_AVAILABILITY = "standby availability"
    STANDBY_FREE = "standby free"
    """R6 for the standby: no own assignment or other standby overlapping, and the walks
    between them fit."""
    STANDBY_CAPS = "standby caps"
    """R7 with the standby's held time counted, as if called."""


def hm(moment: datetime) -> str:
    """A time as a coordinator reads it: to the minute, with seconds only when present."""
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


@dataclass(frozen=True)
class Violation:
    """One broken rule, tied to the request and volunteer it concerns (either may be None)."""

    rule: str
    request_id: str | None
    volunteer_id: str | None
    message: str

    def __str__(self) -> str:
        who = [f"request {self.request_id}"] if self.request_id is not None else []
        if self.volunteer_id is not None:
            who.append(f"volunteer {self.volunteer_id}")
        where = f" [{', '.join(who)}]" if who else ""
        return f"{self.rule}{where}: {self.message}"


@dataclass
class CheckReport:
    """Every violation found, plus the schedule's size so a headline can put them in scale."""

    violations: list[Violation] = field(default_factory=list)
    assignments: int = 0
    served: int = 0
    unassigned: int = 0
    standbys: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        """Violations per rule label, in the order the labels first occur."""
        return dict(Counter(str(v.rule) for v in self.violations))

    def headline(self) -> str:
        """One line for a log: ``OK: 812 assignments, 640 served, 12 unassigned, 0 violations``."""
        status = "OK" if self.ok else "FAIL"
        text = (
            f"{status}: {self.assignments} assignments, {self.served} served, "
            f"{self.unassigned} unassigned, {len(self.violations)} violations"
        )
        if self.standbys:
            text = text.replace(" unassigned,", f" unassigned, {self.standbys} standbys,", 1)
        if not self.ok:
            parts = ", ".join(f"{rule}: {n}" for rule, n in self.by_rule().items())
            text += f" ({parts})"
        return text
