"""Rules about one volunteer's day: R4 availability, R6 time and travel, R7 daily caps.

Works on real datetimes, not a minute grid, so a rounding shortcut in the solver shows up
here as a violation rather than being repeated.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from matcher._internal.check.findings import Rule, Violation, hm
from matcher._internal.check.rows import AssignmentRow, Labelled, StandbyRow
from matcher._internal.check.walking import TOLERANCE_MIN, CheckWalks
from matcher._internal.model import Request, Volunteer


def check_timeline(
    volunteer: Volunteer,
    rows: Sequence[Labelled[AssignmentRow]],
    requests: Mapping[str, Request],
    walks: CheckWalks,
) -> list[Violation]:
    """All rules about one volunteer's assignments (rows with known requests only).

    A volunteer listed twice on one request is R3's finding; only the first such row counts
    here, so the duplicate is not reported again as an overlap.
    """
    first: dict[str, AssignmentRow] = {}
    for item in rows:
        first.setdefault(item.row.request_id, item.row)
    ordered = sorted(first.values(), key=lambda a: (a.start, a.end, a.request_id))
    found = [v for a in ordered for v in availability_violations(volunteer, a)]
    found += _overlaps(volunteer, ordered)
    found += _travel(volunteer, ordered, requests, walks)
    found += _day_caps(volunteer, ordered)
    return found


def minutes(row: AssignmentRow) -> float:
    return max(0.0, (row.end - row.start).total_seconds() / 60.0)


def _joined(volunteer: Volunteer) -> list[tuple[datetime, datetime]]:
    """The volunteer's availability with intervals that touch joined: the contract counts
    them as one interval."""
    spans: list[tuple[datetime, datetime]] = []
    for iv in sorted(volunteer.availability, key=lambda i: i.start):
        if spans and iv.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], iv.end))
        else:
            spans.append((iv.start, iv.end))
    return spans


def availability_violations(volunteer: Volunteer, a: AssignmentRow) -> list[Violation]:
    """R4: the whole assignment lies inside a single availability interval (touching
    intervals count as one)."""
    if any(start <= a.start and a.end <= end for start, end in _joined(volunteer)):
        return []
    offered = ", ".join(str(iv) for iv in volunteer.availability) or "none"
    return [
        Violation(
            Rule.AVAILABILITY,
            a.request_id,
            volunteer.volunteer_id,
            f"{hm(a.start)} to {hm(a.end)} lies inside no availability interval "
            f"(available: {offered})",
        )
    ]


def _overlaps(volunteer: Volunteer, ordered: Sequence[AssignmentRow]) -> list[Violation]:
    """R6 overlap: every pair of assignments that share time, not only neighbours."""
    found: list[Violation] = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end:
                break  # sorted by start: no later one can overlap `a` either
            found.append(
                Violation(
                    Rule.OVERLAP,
                    b.request_id,
                    volunteer.volunteer_id,
                    f"{hm(b.start)} to {hm(b.end)} overlaps request {a.request_id} "
                    f"({hm(a.start)} to {hm(a.end)})",
                )
            )
    return found


def gap_and_walk(
    first: AssignmentRow | StandbyRow,
    second: AssignmentRow | StandbyRow,
    requests: Mapping[str, Request],
    walks: CheckWalks,
) -> tuple[float, float]:
    """The minutes between the end of `first` and the start of `second`, and the walk
    between their places: rule 6 holds when the gap covers the walk."""
    here, there = requests[first.request_id], requests[second.request_id]
    need = walks.minutes(
        here.request_id, here.lat, here.lon, there.request_id, there.lat, there.lon
    )
    return (second.start - first.end).total_seconds() / 60.0, need


def _travel(
    volunteer: Volunteer,
    ordered: Sequence[AssignmentRow],
    requests: Mapping[str, Request],
    walks: CheckWalks,
) -> list[Violation]:
    """R6 travel: after A, the next assignment B starts no earlier than A's end + walk A->B.

    Overlapping neighbours are R6 overlap's finding and are not judged again here.
    """
    found: list[Violation] = []
    for a, b in itertools.pairwise(ordered):
        if b.start < a.end:
            continue
        gap, need = gap_and_walk(a, b, requests, walks)
        if gap + TOLERANCE_MIN < need:
            found.append(
                Violation(
                    Rule.TRAVEL,
                    b.request_id,
                    volunteer.volunteer_id,
                    f"starts {hm(b.start)}, {gap:.2f} min after request {a.request_id} ends "
                    f"({hm(a.end)}), but the walk between them takes {need:.2f} min",
                )
            )
    return found


def _day_caps(volunteer: Volunteer, ordered: Sequence[AssignmentRow]) -> list[Violation]:
    """R7: per calendar day of each assignment's start, total minutes and number of tasks."""
    days: dict[date, list[AssignmentRow]] = {}
    for a in ordered:
        days.setdefault(a.start.date(), []).append(a)
    found: list[Violation] = []
    vid = volunteer.volunteer_id
    for day, rows in days.items():
        ids = ", ".join(a.request_id for a in rows)
        total = sum(minutes(a) for a in rows)
        if total > volunteer.max_minutes_per_day + TOLERANCE_MIN:
            found.append(
                Violation(
                    Rule.DAY_MINUTES,
                    None,
                    vid,
                    f"{total:g} service minutes on {day.isoformat()} ({ids}), "
                    f"cap is {volunteer.max_minutes_per_day}",
                )
            )
        cap = volunteer.max_tasks_per_day
        if cap is not None and len(rows) > cap:
            found.append(
                Violation(
                    Rule.DAY_TASKS,
                    None,
                    vid,
                    f"{len(rows)} assignments on {day.isoformat()} ({ids}), cap is {cap}",
                )
            )
    return found
