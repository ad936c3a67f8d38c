"""Files for people: one itinerary per volunteer (CSV and an iCalendar file phones import)
and a coordinator's daily sheet per team (self-contained HTML)."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from matcher._internal.model import Assignment, Problem, Request, Solution

ITINERARY_COLUMNS = [
    "start", "end", "request_id", "kind", "team", "lat", "lon", "walk_minutes", "crew",
    "resident_id",
]  # fmt: skip


def write_reports(solution: Solution, problem: Problem, folder: Path) -> None:
    """Write `itineraries/` and `sheets/` into `folder`."""
    requests = {r.request_id: r for r in problem.requests}
    crews: defaultdict[str, list[str]] = defaultdict(list)
    by_volunteer: defaultdict[str, list[Assignment]] = defaultdict(list)
    for a in solution.assignments:
        crews[a.request_id].append(a.volunteer_id)
        by_volunteer[a.volunteer_id].append(a)
    itineraries = folder / "itineraries"
    itineraries.mkdir()
    tz = ZoneInfo(problem.settings.timezone)
    for volunteer_id, items in sorted(by_volunteer.items()):
        items.sort(key=lambda a: a.start)
        rows = [_itinerary_row(a, requests[a.request_id], crews[a.request_id]) for a in items]
        pd.DataFrame(rows, columns=ITINERARY_COLUMNS).to_csv(
            itineraries / f"{volunteer_id}.csv", index=False
        )
        (itineraries / f"{volunteer_id}.ics").write_bytes(
            ical(volunteer_id, items, requests, crews, tz).encode("utf-8")
        )
    sheets = folder / "sheets"
    sheets.mkdir()
    for code, page in team_sheets(solution, problem, requests, crews).items():
        (sheets / f"{code}.html").write_text(page, encoding="utf-8")


def _itinerary_row(a: Assignment, r: Request, crew: list[str]) -> dict[str, object]:
    return {
        "start": a.start.isoformat(timespec="minutes"),
        "end": a.end.isoformat(timespec="minutes"),
        "request_id": a.request_id,
        "kind": r.kind,
        "team": a.team,
        "lat": r.lat,
        "lon": r.lon,
        "walk_minutes": round(a.walk_minutes, 1),
        "crew": ";".join(sorted(crew)),
        "resident_id": r.resident_id or "",
    }


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: datetime, tz: ZoneInfo) -> str:
    return moment.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def ical(
    volunteer_id: str,
    items: list[Assignment],
    requests: dict[str, Request],
    crews: dict[str, list[str]],
    tz: ZoneInfo,
) -> str:
    """An RFC 5545 calendar of one volunteer's assignments, times in UTC."""
    stamp = datetime.now(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//matcher//volunteer itinerary//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]  # fmt: skip
    for a in items:
        r = requests[a.request_id]
        others = [v for v in crews[a.request_id] if v != volunteer_id]
        description = f"Request {r.request_id} ({r.kind}), walk {a.walk_minutes:.0f} min"
        if others:
            description += f", with {', '.join(sorted(others))}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{a.request_id}-{volunteer_id}@matcher",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(a.start, tz)}",
            f"DTEND:{_utc(a.end, tz)}",
            f"SUMMARY:{_ics_text(r.kind.replace('_', ' '))}",
            f"LOCATION:{r.lat:.6f}\\, {r.lon:.6f}",
            f"GEO:{r.lat:.6f};{r.lon:.6f}",
            f"DESCRIPTION:{_ics_text(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eee}"
    "h2{margin-top:1.5em}"
)


def team_sheets(
    solution: Solution,
    problem: Problem,
    requests: dict[str, Request],
    crews: dict[str, list[str]],
) -> dict[str, str]:
    """One HTML page per team: its served requests with crews and times, and its unassigned
    requests with reasons (requests naming no team appear on the page `any`)."""
    names = {t.code: f"{t.name_zh} {t.name_en}".strip() for t in problem.teams}
    starts = {a.request_id: (a.start, a.end) for a in solution.assignments}
    served: defaultdict[str, list[str]] = defaultdict(list)
    for rid in starts:
        served[requests[rid].team or "any"].append(rid)
    left: defaultdict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for u in solution.unassigned:
        left[requests[u.request_id].team or "any"].append((u.request_id, u.reason, u.detail))
    pages = {}
    for code in sorted(set(served) | set(left)):
        rows = []
        for rid in sorted(served[code], key=lambda r: starts[r][0]):
            r, (start, end) = requests[rid], starts[rid]
            rows.append(
                f"<tr><td>{start:%H:%M}–{end:%H:%M}</td><td>{html.escape(rid)}</td>"
                f"<td>{html.escape(r.kind)}</td><td>P{r.priority}</td>"
                f"<td>{html.escape(', '.join(sorted(crews[rid])))}</td>"
                f"<td>{r.lat:.5f}, {r.lon:.5f}</td></tr>"
            )
        missing = "".join(
            f"<tr><td>{html.escape(rid)}</td><td>{html.escape(str(reason))}</td>"
            f"<td>{html.escape(detail)}</td></tr>"
            for rid, reason, detail in sorted(left[code])
        )
        title = html.escape(f"{code} {names.get(code, 'requests naming no team')}")
        pages[code] = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"
            f"<p>{len(served[code])} served, {len(left[code])} unassigned.</p>"
            "<h2>Schedule</h2><table><tr><th>time</th><th>request</th><th>kind</th>"
            f"<th>priority</th><th>crew</th><th>place (lat, lon)</th></tr>{''.join(rows)}</table>"
            "<h2>Unassigned</h2><table><tr><th>request</th><th>reason</th><th>what to do</th>"
            f"</tr>{missing}</table></body></html>"
        )
    return pages
