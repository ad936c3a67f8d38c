"""Files for people: one itinerary per volunteer (CSV and an iCalendar file phones import)
and a coordinator's sheet per team (self-contained HTML: one section per day with a map,
the schedule with crews by name, the volunteers on duty and what was left unserved)."""

from __future__ import annotations

import html
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke

from matcher._internal.io.outputs.maps import (
    CJK_FONTS,
    COMPOUND_EDGE,
    COMPOUND_FILL,
    MapFrame,
    Point,
    figure,
    svg_markup,
)
from matcher._internal.model import Assignment, Problem, Request, Solution, Unassigned, Volunteer
from matcher._internal.model.places import place_text

WalkedPaths = Mapping[tuple[str, str], Sequence[Point]]
"""The walk from one place to the next along the streets, as (lat, lon) points, keyed by
(from place, to place): a volunteer id is their home, a request id where it happens."""

ITINERARY_COLUMNS = [
    "start", "end", "request_id", "kind", "team", "place", "lat", "lon", "walk_minutes", "crew",
    "resident_id",
]  # fmt: skip


@dataclass(frozen=True)
class OfferMark:
    """What a sheet and a calendar show of one offer (a request to a volunteer): its state
    (offered, accepted, declined, expired, done, no_show, withdrawn), the calendar's
    SEQUENCE, and its time (for an offer no longer on the plan)."""

    state: str
    sequence: int
    start: datetime
    end: datetime


OfferMarks = Mapping[tuple[str, str], OfferMark]
"""Offer marks by (request_id, volunteer_id); a pair without one is a fresh offer."""

CALENDAR_STATUS = {"offered": "TENTATIVE", "accepted": "CONFIRMED", "done": "CONFIRMED",
                   "no_show": "CONFIRMED"}  # fmt: skip
"""The iCalendar STATUS of an event per offer state; any other state (declined, expired,
withdrawn) is CANCELLED."""


@dataclass
class _Plan:
    """A solution joined with its problem: what every sheet, itinerary and calendar reads."""

    problem: Problem
    solution: Solution
    paths: WalkedPaths = field(default_factory=dict)
    """Walks along the streets, where a map was given; the maps draw straight arrows
    for the others."""
    offers: OfferMarks = field(default_factory=dict)
    """Each offer's state, where a database holds them (else every one is offered)."""
    requests: dict[str, Request] = field(init=False)
    volunteers: dict[str, Volunteer] = field(init=False)
    crews: dict[str, list[Assignment]] = field(init=False)
    """Request id -> its crew's assignments, by volunteer id."""
    by_volunteer: dict[str, list[Assignment]] = field(init=False)
    """Volunteer id -> their assignments in time order."""

    def __post_init__(self) -> None:
        self.requests = {r.request_id: r for r in self.problem.requests}
        self.volunteers = {v.volunteer_id: v for v in self.problem.volunteers}
        mine: defaultdict[str, list[Assignment]] = defaultdict(list)
        for a in self.solution.assignments:
            mine[a.volunteer_id].append(a)
        self.crews = {
            rid: sorted(crew, key=lambda a: a.volunteer_id)
            for rid, crew in self.solution.crews().items()
        }
        self.by_volunteer = {v: sorted(items, key=lambda a: a.start) for v, items in mine.items()}

    def place(self, r: Request) -> str:
        """Where to go, in words: the request's address, else the nearest known place, else
        its coordinates."""
        return r.address or place_text(r.lat, r.lon)

    def name(self, volunteer_id: str) -> str:
        v = self.volunteers.get(volunteer_id)
        return v.name if v is not None and v.name else volunteer_id

    def state(self, request_id: str, volunteer_id: str) -> str:
        """The offer's state; `offered` where none is known (a plan from files)."""
        mark = self.offers.get((request_id, volunteer_id))
        return mark.state if mark is not None else "offered"

    def sequence(self, request_id: str, volunteer_id: str) -> int:
        mark = self.offers.get((request_id, volunteer_id))
        return mark.sequence if mark is not None else 0


def write_reports(
    solution: Solution, problem: Problem, folder: Path, paths: WalkedPaths | None = None,
    offers: OfferMarks | None = None,
) -> None:  # fmt: skip
    """Write `itineraries/` (CSV and .ics per volunteer) and `sheets/` (HTML per team, in a
    folder per community where the input names communities: each has its coordinators).
    With `paths`, the sheets' maps draw those walks along the streets. `offers`: each
    offer's state, where a database holds them (else every one is offered)."""
    offers = offers or {}
    plan = _Plan(problem, solution, offers=offers)
    itineraries = folder / "itineraries"
    itineraries.mkdir()
    tz = ZoneInfo(problem.settings.timezone)
    for volunteer_id, items in sorted(plan.by_volunteer.items()):
        rows = [_itinerary_row(plan, a) for a in items]
        pd.DataFrame(rows, columns=ITINERARY_COLUMNS).to_csv(
            itineraries / f"{volunteer_id}.csv", index=False
        )
        (itineraries / f"{volunteer_id}.ics").write_bytes(ical(plan, volunteer_id, tz))
    sheets = folder / "sheets"
    sheets.mkdir()
    named = {r.community for r in problem.requests} | {v.community for v in problem.volunteers}
    if named == {None}:
        for code, page in team_sheets(solution, problem, paths, offers).items():
            (sheets / f"{code}.html").write_text(page, encoding="utf-8")
        return
    for community in sorted(named, key=lambda c: c or ""):
        place = sheets / _folder_name(community)
        place.mkdir()
        mine, theirs = _of_community(problem, solution, community)
        for code, page in team_sheets(theirs, mine, paths, offers).items():
            (place / f"{code}.html").write_text(page, encoding="utf-8")


def _folder_name(community: str | None) -> str:
    """A community as a folder name: letters, digits, `-` and `_` kept, anything else `_`
    (so no name can climb out of `sheets/`)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in community or "") or "_"


def _of_community(
    problem: Problem, solution: Solution, community: str | None
) -> tuple[Problem, Solution]:
    """One community's volunteers, requests and rows, for its own team sheets."""
    requests = tuple(r for r in problem.requests if r.community == community)
    ids = {r.request_id for r in requests}
    mine = problem.model_copy(update={
        "volunteers": tuple(v for v in problem.volunteers if v.community == community),
        "requests": requests,
    })  # fmt: skip
    theirs = solution.model_copy(update={
        "assignments": [a for a in solution.assignments if a.request_id in ids],
        "unassigned": [u for u in solution.unassigned if u.request_id in ids],
    })  # fmt: skip
    return mine, theirs


def _itinerary_row(plan: _Plan, a: Assignment) -> dict[str, object]:
    r = plan.requests[a.request_id]
    return {
        "start": a.start.isoformat(timespec="minutes"),
        "end": a.end.isoformat(timespec="minutes"),
        "request_id": a.request_id,
        "kind": r.kind,
        "team": a.team,
        "place": plan.place(r),
        "lat": r.lat,
        "lon": r.lon,
        "walk_minutes": round(a.walk_minutes, 1),
        "crew": ";".join(c.volunteer_id for c in plan.crews[a.request_id]),
        "resident_id": r.resident_id or "",
    }


# --- calendars --------------------------------------------------------------------------


def volunteer_calendar(
    solution: Solution, problem: Problem, volunteer_id: str, offers: OfferMarks | None = None
) -> bytes:
    """One volunteer's calendar (`ical`) of a plan, with its offers' states."""
    plan = _Plan(problem, solution, offers=offers or {})
    return ical(plan, volunteer_id, ZoneInfo(problem.settings.timezone))


def ical(plan: _Plan, volunteer_id: str, tz: ZoneInfo) -> bytes:
    """An RFC 5545 calendar of one volunteer's assignments, times in UTC.

    Each event's UID names its offer (request and volunteer) and never changes; SEQUENCE
    is the offer's, so a phone replaces an event whose offer changed. An offered event is
    TENTATIVE, an accepted one CONFIRMED; an offer the volunteer no longer has (declined,
    expired, withdrawn) stays in the calendar as a CANCELLED event of the same UID, which
    is what an iTIP CANCEL does to a published feed.

    The icalendar library escapes text and folds lines at 75 octets without splitting a
    UTF-8 character: long Chinese addresses broke hand-built files in some phone apps.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//matcher//volunteer itinerary//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{plan.name(volunteer_id)} · volunteer schedule")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for a in plan.by_volunteer.get(volunteer_id, []):
        r = plan.requests[a.request_id]
        place = plan.place(r)
        others = [plan.name(c.volunteer_id) for c in plan.crews[a.request_id]
                  if c.volunteer_id != volunteer_id]  # fmt: skip
        lines = [
            f"Request {r.request_id}: {r.kind.replace('_', ' ')}, priority {r.priority}",
            f"Where: {place}",
            f"Walk from home: {a.walk_minutes:.0f} min",
        ]
        if r.resident_id:
            lines.append(f"Resident: {r.resident_id}")
        if others:
            lines.append(f"With: {', '.join(others)}")
        state = plan.state(a.request_id, volunteer_id)
        lines.append(f"Offer: {state}")
        event = _event(a.request_id, volunteer_id, stamp, a.start, a.end, tz)
        event.add("sequence", plan.sequence(a.request_id, volunteer_id))
        event.add("status", CALENDAR_STATUS.get(state, "CANCELLED"))
        event.add("summary", f"{r.kind.replace('_', ' ')} · {place}")
        event.add("location", place)
        event.add("geo", (r.lat, r.lon))
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    planned = {a.request_id for a in plan.by_volunteer.get(volunteer_id, [])}
    for (request_id, whose), mark in sorted(plan.offers.items()):
        if whose != volunteer_id or request_id in planned or mark.state in CALENDAR_STATUS:
            continue
        event = _event(request_id, volunteer_id, stamp, mark.start, mark.end, tz)
        event.add("sequence", mark.sequence)
        event.add("status", "CANCELLED")
        event.add("summary", f"Cancelled ({mark.state.replace('_', ' ')}): request {request_id}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _event(
    request_id: str, volunteer_id: str, stamp: datetime, start: datetime, end: datetime,
    tz: ZoneInfo,
) -> icalendar.Event:  # fmt: skip
    """An event with the offer's UID (the same for every version of it) and its times."""
    event = icalendar.Event()
    event.add("uid", f"{request_id}-{volunteer_id}@matcher")
    event.add("dtstamp", stamp)
    event.add("dtstart", start.replace(tzinfo=tz).astimezone(UTC))
    event.add("dtend", end.replace(tzinfo=tz).astimezone(UTC))
    return event


# --- team sheets -------------------------------------------------------------------------

FONT_STACK = ", ".join([*(f'"{name}"' for name in CJK_FONTS), "sans-serif"])

_STYLE = (
    f"body{{font-family:{FONT_STACK};margin:0 auto;max-width:1200px;padding:16px 24px;"
    "color:#1f2328;line-height:1.45;box-sizing:border-box}"
    "h1{font-size:1.6em;margin:.2em 0}h2{margin:1.6em 0 .3em;padding-top:.6em;"
    "border-top:3px solid #1f4e9c}h3{margin:1.2em 0 .3em}"
    ".meta{color:#57606a;margin:.2em 0}.days a{margin-right:1em}"
    "table{border-collapse:collapse;width:100%;margin:.4em 0}"
    "th,td{border-bottom:1px solid #d0d7de;padding:5px 8px;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}"
    "th{background:#f3f5f8;font-weight:600}td.n{text-align:right;white-space:nowrap}"
    "th,code,.id{overflow-wrap:normal}"  # headers, codes and ids wrap only between words
    "small,.id{color:#57606a;font-size:.85em}.crew{display:block}"
    ".urgent{color:#b42318;font-weight:600}a.geo{color:#57606a;font-size:.85em}"
    "figure{margin:.5em 0}figure svg{width:100%;max-width:900px;height:auto}"
    "figcaption{color:#57606a;font-size:.9em}"
    "@media print{section.day{break-before:page}body{max-width:none}}"
)

_WEEKDAYS_ZH = "一二三四五六日"


def _day_heading(day: date) -> str:
    """`2026-12-01 · Tuesday 1 December · 周二`: ISO for the eye, words for the brain."""
    return f"{day.isoformat()} · {day:%A} {day.day} {day:%B} · 周{_WEEKDAYS_ZH[day.weekday()]}"


@dataclass
class _Day:
    """One team's requests on one day: served in time order, then the unserved ones."""

    served: list[Request] = field(default_factory=list)
    unserved: list[tuple[Request, Unassigned]] = field(default_factory=list)


def team_sheets(
    solution: Solution, problem: Problem, paths: WalkedPaths | None = None,
    offers: OfferMarks | None = None, only: str | None = None,
) -> dict[str, str]:  # fmt: skip
    """One HTML page per team (requests naming no team appear on the page `any`), with a
    section per day: a map, the schedule with crews by name and each one's offer state,
    the volunteers on duty and the unserved requests with what to do about them. With
    `paths`, walks follow the streets. `only`: the page of that team alone (none when it
    has no requests)."""
    plan = _Plan(problem, solution, paths or {}, offers or {})
    days: defaultdict[str, defaultdict[date, _Day]] = defaultdict(lambda: defaultdict(_Day))
    for rid, crew in plan.crews.items():
        r = plan.requests[rid]
        days[r.team or "any"][crew[0].start.date()].served.append(r)
    for u in solution.unassigned:
        r = plan.requests[u.request_id]
        days[r.team or "any"][r.earliest_start.date()].unserved.append((r, u))
    return {code: _sheet(plan, code, days[code]) for code in sorted(days)
            if only is None or code == only}  # fmt: skip


def _sheet(plan: _Plan, code: str, days: dict[date, _Day]) -> str:
    team = next((t for t in plan.problem.teams if t.code == code), None)
    title = f"{team.name_zh} {team.name_en}".strip() if team else "requests naming no team"
    named = "" if team is not None and code == team.name_en else f" · {html.escape(code)}"
    served = sum(len(d.served) for d in days.values())
    unserved = sum(len(d.unserved) for d in days.values())
    ordered = sorted(days)
    span = ordered[0].isoformat() + (f" to {ordered[-1].isoformat()}" if len(ordered) > 1 else "")
    links = "".join(f"<a href='#day-{d.isoformat()}'>{d.isoformat()} ({d:%a})</a>"
                    for d in ordered)  # fmt: skip
    body = "".join(_day_section(plan, code, day, days[day]) for day in ordered)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(f'{title} ({code}) · {span}')}</title><style>{_STYLE}</style>"
        f"</head><body><header><h1>{html.escape(title)} <small>team sheet{named}</small></h1>"
        f"<p class='meta'>Plan for {span}: {served} served, {unserved} not served. Times are "
        f"community local time ({html.escape(plan.problem.settings.timezone)}).</p>"
        f"<p class='days'>{links}</p></header>{body}</body></html>"
    )


def _day_section(plan: _Plan, code: str, day: date, content: _Day) -> str:
    served = sorted(content.served, key=lambda r: (plan.crews[r.request_id][0].start, r.request_id))
    unserved = sorted(content.unserved, key=lambda p: (p[0].earliest_start, p[0].request_id))
    numbers = {r.request_id: i for i, r in enumerate([*served, *(r for r, _ in unserved)], 1)}
    on_duty = sorted({a.volunteer_id for r in served for a in plan.crews[r.request_id]},
                     key=lambda v: (plan.name(v), v))  # fmt: skip
    walk = sum(a.walk_minutes for r in served for a in plan.crews[r.request_id])
    parts = [
        f"<section class='day' id='day-{day.isoformat()}'><h2>{html.escape(_day_heading(day))}"
        f"</h2><p class='meta'>{len(served)} served, {len(unserved)} not served, "
        f"{len(on_duty)} volunteers on duty, {walk:.0f} min walking from home in all.</p>",
        _day_map(plan, day, served, [r for r, _ in unserved], on_duty, numbers, f"{code}-{day}"),
    ]
    if served:
        parts.append(
            "<h3>Schedule</h3><table><thead><tr><th>#</th><th>Time</th><th>Request</th>"
            "<th>Resident</th><th>Place</th><th>Crew <small>(walk from home)</small></th></tr>"
            "</thead><tbody>"
            + "".join(_served_row(plan, numbers[r.request_id], r, code) for r in served)
            + "</tbody></table>"
        )
        parts.append(_duty_table(plan, code, day, on_duty, numbers))
    if unserved:
        parts.append(
            "<h3>Not served</h3><table><thead><tr><th>#</th><th>Window</th><th>Request</th>"
            "<th>Resident</th><th>Place</th><th>Why</th><th>What to do</th></tr></thead><tbody>"
            + "".join(_unserved_row(plan, numbers[r.request_id], r, u) for r, u in unserved)
            + "</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def _request_cell(r: Request) -> str:
    urgent = " <span class='urgent'>urgent</span>" if r.priority == 5 else ""
    return (
        f"{html.escape(r.kind.replace('_', ' '))} <span class='id'>{html.escape(r.request_id)}"
        f" · P{r.priority}</span>{urgent}"
    )


def _place_cell(plan: _Plan, r: Request) -> str:
    """The place in words, and the coordinates as a `geo:` link a phone opens in its map."""
    return (
        f"{html.escape(plan.place(r))}<br><a class='geo' href='geo:{r.lat:.6f},{r.lon:.6f}'>"
        f"{r.lat:.5f}, {r.lon:.5f}</a>"
    )


def _volunteer_label(plan: _Plan, volunteer_id: str, page_team: str) -> str:
    """Name first, the id small; the team too when it is not the page's own."""
    v = plan.volunteers.get(volunteer_id)
    team = f" · {v.team}" if v is not None and v.team != page_team else ""
    name = plan.name(volunteer_id)
    if name == volunteer_id:
        return f"{html.escape(volunteer_id)}<span class='id'>{html.escape(team)}</span>"
    return f"{html.escape(name)} <span class='id'>{html.escape(volunteer_id + team)}</span>"


def _served_row(plan: _Plan, number: int, r: Request, code: str) -> str:
    crew = plan.crews[r.request_id]
    start, end = crew[0].start, crew[0].end
    members = "".join(
        f"<span class='crew'>{_volunteer_label(plan, a.volunteer_id, code)} "
        f"<small>({a.walk_minutes:.0f} min)</small> "
        f"<small class='offer'>{html.escape(plan.state(r.request_id, a.volunteer_id))}</small>"
        "</span>"
        for a in crew
    )
    return (
        f"<tr><td class='n'>{number}</td><td class='n'>{start:%H:%M}–{end:%H:%M}</td>"
        f"<td>{_request_cell(r)}</td><td>{html.escape(r.resident_id or '–')}</td>"
        f"<td>{_place_cell(plan, r)}</td><td>{members}</td></tr>"
    )


def _unserved_row(plan: _Plan, number: int, r: Request, u: Unassigned) -> str:
    window = f"{r.earliest_start:%H:%M}" + (
        f"–{r.latest_start:%H:%M}" if r.latest_start != r.earliest_start else ""
    )
    if r.latest_start.date() != r.earliest_start.date():
        window += f" ({r.latest_start:%m-%d})"
    return (
        f"<tr><td class='n'>{number}</td><td class='n'>{window}</td><td>{_request_cell(r)}</td>"
        f"<td>{html.escape(r.resident_id or '–')}</td><td>{_place_cell(plan, r)}</td>"
        f"<td>{html.escape(u.reason.meaning)} <small><code>{html.escape(u.reason.value)}</code>"
        f"</small></td><td>{html.escape(u.detail)}</td></tr>"
    )


def _duty_table(
    plan: _Plan, code: str, day: date, on_duty: list[str], numbers: dict[str, int]
) -> str:
    """Who to call: each volunteer's services of the day, in order, with the sheet's numbers
    (services on other teams' sheets show their request id)."""
    rows = []
    for vid in on_duty:
        items = [a for a in plan.by_volunteer[vid] if a.start.date() == day]
        stops = ", ".join(
            f"{a.start:%H:%M} " + (f"#{numbers[a.request_id]}" if a.request_id in numbers
                                   else html.escape(a.request_id))
            for a in items
        )  # fmt: skip
        minutes = sum((a.end - a.start).total_seconds() / 60 for a in items)
        rows.append(
            f"<tr><td>{_volunteer_label(plan, vid, code)}</td><td>{stops}</td>"
            f"<td class='n'>{minutes:.0f}</td></tr>"
        )
    return (
        "<h3>Volunteers on duty</h3><table><thead><tr><th>Volunteer</th><th>Services "
        "(start, #)</th><th>Service minutes</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


DENSE_MAP = 60
"""Above this many services a day, numbers and arrowheads would cover the map: served
requests are drawn small and unnumbered, walks as thin lines; unserved ones keep numbers."""

_SERVED, _UNSERVED, _HOME, _WALK, _ELSEWHERE = "#1a7f37", "#cf222e", "#1f4e9c", "#5b84c4", "#8c959f"


ARROW_TAIL_M = 25.0
"""An arrowhead at the end of a walk along the streets points along its last this many
metres, so a last stretch of a metre or two does not turn it sideways."""


def _arrow_tail(xs: list[float], ys: list[float]) -> int:
    """The point an arrow to the walk's end starts from: the last one at least
    `ARROW_TAIL_M` before it, else the walk's start (a straight arrow)."""
    for k in range(len(xs) - 2, 0, -1):
        if math.hypot(xs[-1] - xs[k], ys[-1] - ys[k]) >= ARROW_TAIL_M:
            return k
    return 0


def _day_map(
    plan: _Plan,
    day: date,
    served: list[Request],
    unserved: list[Request],
    on_duty: list[str],
    numbers: dict[str, int],
    salt: str,
) -> str:
    """The day on a map, as inline SVG: served and unserved requests numbered as in the
    tables, the crews' homes, each volunteer's walk home → first service → next service
    (stops on other teams' sheets in grey), the compounds, a scale bar."""
    homes = {v: (plan.volunteers[v].lat, plan.volunteers[v].lon) for v in on_duty}
    chains: list[list[Point]] = []
    walks: list[list[Point]] = []  # one per walk: along the streets, or a straight line
    elsewhere: dict[str, Point] = {}
    for vid in on_duty:
        stops = [plan.requests[a.request_id] for a in plan.by_volunteer[vid]
                 if a.start.date() == day]  # fmt: skip
        chains.append([homes[vid], *((r.lat, r.lon) for r in stops)])
        places = [vid, *(r.request_id for r in stops)]
        for (a, b), (p, q) in zip(itertools.pairwise(places), itertools.pairwise(chains[-1]),
                                  strict=True):  # fmt: skip
            walks.append(list(plan.paths.get((a, b), [p, q])))
        elsewhere.update({r.request_id: (r.lat, r.lon) for r in stops
                          if r.request_id not in numbers})  # fmt: skip
    points = [*homes.values(), *elsewhere.values(),
              *((r.lat, r.lon) for r in [*served, *unserved]),
              *(p for walk in walks for p in walk)]  # fmt: skip
    dense = len(served) > DENSE_MAP
    with figure(9.0, 7.0) as (fig, ax):
        m = MapFrame(ax, points)
        has_places = m.places()
        if dense:  # hundreds of arrows hide the map: plain thin lines instead
            for walk in walks:
                xs, ys = m.xy(walk)
                ax.plot(xs, ys, color=_WALK, linewidth=0.6, alpha=0.45, zorder=2)
        else:
            for walk in walks:  # along the streets where known, the arrowhead at the end
                xs, ys = m.xy(walk)
                tail = _arrow_tail(xs, ys)
                if len(walk) > 2:
                    ax.plot(xs, ys, color=_WALK, linewidth=1.1, alpha=0.8, zorder=2)
                ax.annotate("", xy=(xs[-1], ys[-1]), xytext=(xs[tail], ys[tail]),
                            arrowprops={"arrowstyle": "-|>", "color": _WALK, "lw": 1.1,
                                        "alpha": 0.8, "shrinkA": 4 if tail == 0 else 0,
                                        "shrinkB": 6, "mutation_scale": 9})  # fmt: skip
        xs, ys = m.xy(list(homes.values()))
        ax.scatter(xs, ys, marker="s", s=12 if dense else 26, color=_HOME, edgecolor="white",
                   linewidth=0.6, zorder=3)  # fmt: skip
        xs, ys = m.xy(list(elsewhere.values()))
        ax.scatter(xs, ys, marker="o", s=30, facecolor="white", edgecolor=_ELSEWHERE,
                   linewidth=1.2, zorder=3)  # fmt: skip
        halo = [withStroke(linewidth=2.4, foreground="white")]
        layers = ((served, _SERVED, "o", 22 if dense else 60, 4, not dense),
                  (unserved, _UNSERVED, "X", 90, 6, True))  # fmt: skip
        for group, colour, marker, size, z, numbered in layers:
            xs, ys = m.xy([(r.lat, r.lon) for r in group])
            ax.scatter(xs, ys, marker=marker, s=size, color=colour, edgecolor="white",
                       linewidth=0.7, zorder=z)  # fmt: skip
            for r, x, y in zip(group, xs, ys, strict=True) if numbered else ():
                ax.annotate(str(numbers[r.request_id]), (x, y), xytext=(5, 4),
                            textcoords="offset points", fontsize=8.5, fontweight="bold",
                            color=colour, zorder=z + 1, path_effects=halo)  # fmt: skip
        m.decorate()
        handles: list[Artist] = []  # only what this map shows
        if served:
            label = "served" if dense else "served (number = # in the tables)"
            handles += [
                Line2D([], [], marker="o", color=_SERVED, linestyle="none", label=label),
                Line2D([], [], marker="s", color=_HOME, linestyle="none",
                       label="volunteer's home"),
                Line2D([], [], color=_WALK, label="walk: home → services in order"),
            ]  # fmt: skip
        if unserved:
            handles.append(Line2D([], [], marker="X", color=_UNSERVED, linestyle="none",
                                  label="not served (number = # in the tables)"))  # fmt: skip
        if elsewhere:
            handles.append(Line2D([], [], marker="o", markerfacecolor="white", linestyle="none",
                                  color=_ELSEWHERE, label="service on another sheet"))  # fmt: skip
        if has_places:
            handles.append(Patch(facecolor=COMPOUND_FILL, edgecolor=COMPOUND_EDGE,
                                 label="residential compound"))  # fmt: skip
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3,
                  fontsize=9, frameon=False)  # fmt: skip
        svg = svg_markup(fig, salt)
    along = "the streets they take" if plan.paths else "not the streets they take"
    caption = (
        f"{day.isoformat()}: north is up; lines show the order of each volunteer's walks, "
        f"{along}."
        + (f" With {len(served)} services only the unserved requests are numbered." if dense
           else "")
    )  # fmt: skip
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"
