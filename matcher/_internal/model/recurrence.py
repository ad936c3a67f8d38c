"""Recurring requests: an RFC 5545 RRULE on a request, read by python-dateutil.

A request typed once with `recurrence` (for example `FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8`) stands
for one ordinary request per occurrence inside the planning horizon. The request's
`earliest_start` is the rule's DTSTART, so its time of day is every occurrence's; each
occurrence keeps the window's length and is named `<request_id>@<YYYY-MM-DD>`. Rules that
could put two occurrences on one day (hourly and finer, BYHOUR, BYMINUTE, BYSECOND) are
refused, so that name is unique.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.rrule import rrule, rrulestr

OCCURRENCE_SEPARATOR = "@"
"""Between the request's id and the occurrence's date: `R17@2026-12-08`."""

DAILY_OR_COARSER = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
"""Rule parts that would set the time of day; the request's window sets it instead."""


def read_rule(text: str, dtstart: datetime) -> rrule:
    """The rule of a `recurrence` cell with DTSTART `dtstart`; `ValueError` with a sentence a
    coordinator can act on when it is not one matcher can plan."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :].strip()
    if not body:
        raise ValueError("empty recurrence rule; leave the cell empty for a one-off request")
    if "\n" in body or ":" in body:
        raise ValueError(
            "give one RRULE only (like FREQ=WEEKLY;BYDAY=TU;COUNT=8); its first occurrence "
            "is the request's earliest_start, so no DTSTART, RDATE or EXDATE"
        )
    parts: dict[str, str] = {}
    for part in body.split(";"):
        name, _, value = part.partition("=")
        parts[name.strip().upper()] = value.strip()
    frequency = parts.get("FREQ", "").upper()
    if frequency not in DAILY_OR_COARSER:
        given = f"FREQ={frequency}" if frequency else "no FREQ"
        raise ValueError(
            f"{given}: a recurring request repeats DAILY, WEEKLY, MONTHLY or YEARLY "
            "(its time of day is the request's window)"
        )
    for name in SUB_DAILY_PARTS:
        if name in parts:
            raise ValueError(
                f"{name} is not allowed: the time of day is the request's earliest_start"
            )
    if parts.get("UNTIL", "").upper().endswith("Z"):
        raise ValueError(
            "UNTIL must be a community-local date or date-time (like UNTIL=20261231), "
            "without a trailing Z"
        )
    try:
        rule = rrulestr(body, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise ValueError(f"not a recurrence rule (RFC 5545 RRULE): {exc or body}") from None
    if not isinstance(rule, rrule):  # pragma: no cover - rrulestr gives a set only when asked
        raise ValueError("give one RRULE only")
    return rule


@dataclass(frozen=True)
class Horizon:
    """The days a plan covers: `days` calendar days from `first`."""

    first: date
    days: int

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    def __str__(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def occurrence_starts(rule_text: str, earliest_start: datetime, horizon: Horizon) -> list[datetime]:
    """Every occurrence of the rule (DTSTART `earliest_start`) whose date lies in the
    horizon, as dateutil computes them: as in dateutil, DTSTART itself is an occurrence only
    when it matches the rule."""
    rule = read_rule(rule_text, earliest_start)
    lo = datetime.combine(horizon.first, datetime.min.time())
    hi = lo + timedelta(days=horizon.days)
    return [moment for moment in rule.between(lo, hi, inc=True) if lo <= moment < hi]


def occurrence_id(request_id: str, day: date) -> str:
    """The id of a recurring request's occurrence on `day`: `R17@2026-12-08`."""
    return f"{request_id}{OCCURRENCE_SEPARATOR}{day.isoformat()}"


def shifted_windows(
    rule_text: str, earliest_start: datetime, latest_start: datetime, horizon: Horizon
) -> Iterator[tuple[datetime, datetime]]:
    """Each occurrence's window: the request's window moved to the occurrence, same length."""
    width = latest_start - earliest_start
    for start in occurrence_starts(rule_text, earliest_start, horizon):
        yield start, start + width
