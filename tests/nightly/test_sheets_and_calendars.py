"""Team sheets and calendars as their readers use them: a coordinator planning two days, a
volunteer's phone importing an .ics file."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pandas as pd
import pytest
from factories import at, problem, request, volunteer

import matcher
from matcher._internal.io.outputs.batch_files import write_solution
from matcher._internal.model import Problem, Reason
from matcher._internal.model.places import QINXIAN, QINXIAN_COMPOUNDS, SERVICE_CENTRE

NORTH = next(c for c in QINXIAN_COMPOUNDS if c.name_en == "north")
HOME = QINXIAN.degrees(NORTH.east_m, NORTH.north_m)
INSIDE_NORTH = QINXIAN.degrees(NORTH.east_m + 40, NORTH.north_m - 30)
CENTRE = (SERVICE_CENTRE.lat, SERVICE_CENTRE.lon)
ADDRESS = "亲贤北苑 4号楼2单元301（东门进，电梯停用请走楼梯，按门铃两次）"
"""Longer than one calendar line in UTF-8: it must be folded, never cut inside a character."""
DAY2 = "2026-12-02"


def _two_days() -> list[str]:
    return [f"{at('08:00')}/{at('12:00')}", f"{at('08:00', DAY2)}/{at('12:00', DAY2)}"]


def _community() -> Problem:
    """Two carers; day 1: a crew-of-two visit at a long address and a visit inside a
    compound with no address; day 2: a class at the service centre and a request no one
    has the skill for."""
    carers = [
        volunteer("V1", where=HOME, name="王建国", availability=_two_days()),
        volunteer("V2", where=HOME, name="李秀英", availability=_two_days()),
    ]
    asks = [
        request("R1", where=INSIDE_NORTH, window="09:00-09:00", volunteers_needed=2,
                address=ADDRESS, resident_id="P00042"),
        request("R2", where=INSIDE_NORTH, window="11:00-11:00", minutes=30),
        request("R3", where=CENTRE, earliest_start=at("09:00", DAY2),
                latest_start=at("10:00", DAY2)),
        request("R4", where=CENTRE, earliest_start=at("10:00", DAY2),
                latest_start=at("10:00", DAY2), required_skills=["plumbing"]),
    ]  # fmt: skip
    return problem(carers, asks)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = _community()
    solution = matcher.solve(p, strategy="greedy")
    assert solution.served_request_ids() == {"R1", "R2", "R3"}
    folder = tmp_path_factory.mktemp("plan") / "out"
    write_solution(solution, folder, p)
    return folder


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r"<section class='day' id='day-([\d-]+)'>", page)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_a_two_day_sheet_has_one_dated_section_per_day(out: Path) -> None:
    page = (out / "sheets" / "care.html").read_text(encoding="utf-8")
    days = _sections(page)
    assert list(days) == ["2026-12-01", DAY2]
    assert "<h2>2026-12-01 · Tuesday 1 December · 周二</h2>" in days["2026-12-01"]
    assert "2026-12-02 · Wednesday 2 December · 周三" in days[DAY2]
    assert "R1 · P3" in days["2026-12-01"] and "R1 · P3" not in days[DAY2]
    assert "R3 · P3" in days[DAY2] and "R3 · P3" not in days["2026-12-01"]
    not_served = days[DAY2].split("<h3>Not served</h3>", 1)[1]
    assert "R4" in not_served and "no_skilled_volunteer" in not_served


def test_why_a_request_was_not_served_is_a_sentence_with_its_code_beside(out: Path) -> None:
    """A coordinator reads "No volunteer ... has every required skill.", not a bare
    `no_skilled_volunteer`; the code stays beside it, small, to match unassigned.csv."""
    page = (out / "sheets" / "care.html").read_text(encoding="utf-8")
    not_served = _sections(page)[DAY2].split("<h3>Not served</h3>", 1)[1]
    row = next(r for r in not_served.split("<tr>") if "R4 · P3" in r)
    why = row.split("<td>")[4]  # after # and window: request, resident, place, why
    assert why.startswith(
        "No volunteer (of the named team, not excluded) has every required skill. "
        "<small><code>no_skilled_volunteer</code></small>"
    )
    assert why.startswith(html.escape(Reason.NO_SKILLED_VOLUNTEER.meaning))  # one definition


def test_every_reason_has_a_sentence_of_its_own() -> None:
    """The sentences are the reasons' docstrings (the contract's table shows the same): each
    is found, and none is the code spelled out."""
    sentences = [r.meaning for r in Reason]
    assert len(set(sentences)) == len(Reason)
    assert all(s.endswith(".") and s != r.value.replace("_", " ")
               for r, s in zip(Reason, sentences, strict=True))  # fmt: skip


def test_sheet_rows_name_people_and_places(out: Path) -> None:
    first = _sections((out / "sheets" / "care.html").read_text(encoding="utf-8"))["2026-12-01"]
    row = next(r for r in first.split("<tr>") if "R1 · P3" in r)
    assert "09:00–10:00" in row and "P00042" in row
    assert "王建国 <span class='id'>V1</span>" in row and "李秀英 <span class='id'>V2</span>" in row
    assert ADDRESS in row
    inside = next(r for r in first.split("<tr>") if "R2 · P3" in r)
    assert ">亲贤北苑<br>" in inside  # no address: the compound it lies in
    assert "geo:" in inside


def test_each_day_has_its_own_inline_map(out: Path) -> None:
    page = (out / "sheets" / "care.html").read_text(encoding="utf-8")
    for section in _sections(page).values():
        assert section.count("<svg") == 1
        svg = section[section.index("<svg") : section.index("</svg>")]
        assert "<text" not in svg  # labels drawn as outlines: no font needed to read them
        assert svg.count("<path") > 20
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # two maps on one page never share an element id
    used = set(re.findall(r'href="#([^"]+)"', page)) | set(re.findall(r"url\(#([^)]+)\)", page))
    assert used and used <= set(ids)  # and every reference still finds its element


def test_sheet_styles_fit_a_narrow_screen(out: Path) -> None:
    page = (out / "sheets" / "care.html").read_text(encoding="utf-8")
    style = page[page.index("<style>") : page.index("</style>")]
    assert '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", ' \
        '"PingFang SC", sans-serif' in style  # fmt: skip
    assert not re.search(r"(?<![-\w])width:\s*\d+px", style)  # only max-widths in pixels
    assert "overflow-wrap:anywhere" in style
    assert not re.search(r"<(table|td|th)[^>]*\bwidth=", page)


def test_calendars_parse_back_with_folded_lines_and_the_address(out: Path) -> None:
    raw = (out / "itineraries" / "V1.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    assert any(line.startswith(b" ") for line in lines)  # something needed folding
    calendar = icalendar.Calendar.from_ical(raw)
    events = {str(e["uid"]).split("-")[0]: e for e in calendar.walk("VEVENT")}
    assert "R1" in events and set(events) <= {"R1", "R2", "R3"}
    visit = events["R1"]
    assert str(visit["location"]) == ADDRESS
    assert visit.decoded("dtstart") == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 +08
    assert visit.decoded("dtend") == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert visit["geo"].latitude == pytest.approx(INSIDE_NORTH[0])
    assert visit["geo"].longitude == pytest.approx(INSIDE_NORTH[1])
    description = str(visit["description"])
    assert f"Where: {ADDRESS}" in description and "With: 李秀英" in description
    assert "Resident: P00042" in description


def test_calendar_location_without_an_address_names_the_place(out: Path) -> None:
    places = {}
    for name in ("V1", "V2"):
        for event in icalendar.Calendar.from_ical((out / "itineraries" / f"{name}.ics")
                                                  .read_bytes()).walk("VEVENT"):  # fmt: skip
            places[str(event["uid"]).split("-")[0]] = str(event["location"])
    assert places["R2"] == "亲贤北苑" and places["R3"] == "社区服务中心"
    itinerary = pd.read_csv(out / "itineraries" / "V1.csv")
    assert ADDRESS in set(itinerary["place"])


def test_a_community_elsewhere_falls_back_to_coordinates(tmp_path: Path) -> None:
    hangzhou = (30.274150, 120.155150)
    p = problem([volunteer("V1", where=hangzhou)], [request("R1", where=hangzhou)])
    write_solution(matcher.solve(p, strategy="greedy"), tmp_path / "out", p)
    raw = (tmp_path / "out" / "itineraries" / "V1.ics").read_bytes()
    (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["location"]) == "30.27415, 120.15515"
    page = (tmp_path / "out" / "sheets" / "care.html").read_text(encoding="utf-8")
    assert "30.27415, 120.15515<br>" in page and "residential compound" not in page


def test_a_crowded_day_numbers_only_the_unserved(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of numbers and arrowheads would bury the map: above DENSE_MAP services a day
    the served points go unnumbered (the caption says so), the unserved keep theirs."""
    from matcher._internal.io.outputs import team_sheets

    p = _community()
    solution = matcher.solve(p, strategy="greedy")
    calm = team_sheets.team_sheets(solution, p)["care"]
    monkeypatch.setattr(team_sheets, "DENSE_MAP", 1)
    crowded = team_sheets.team_sheets(solution, p)["care"]
    day1, day2 = _sections(crowded).values()
    assert "only the unserved requests are numbered" in day1  # 2 services > 1
    assert "only the unserved" not in day2  # 1 service: still numbered
    assert "only the unserved" not in calm
    assert crowded.count("<path") < calm.count("<path")  # fewer glyphs and arrowheads drawn
