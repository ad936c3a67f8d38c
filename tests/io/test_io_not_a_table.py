"""Files that are not tables are refused at once, naming the file: binary files from their
first bytes, text none of whose first rows is valid after those rows (the rest is never
read), folders as folders. Files with bad rows among good ones still list every bad row."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from matcher import InputError, load_problem
from matcher._internal.city import load_city
from matcher._internal.exit_codes import ExitCode
from matcher._internal.io.errors import Issue
from matcher._internal.io.inputs.load import FIRST_ROWS
from matcher.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
REQUESTS = SAMPLE / "requests.csv"
HEADER = "volunteer_id,team,lat,lon,availability"
GOOD = "v{},care,37.87,112.55,2026-12-01T08:00/2026-12-01T12:00"
BAD = "v{},care,137.87,112.55,2026-12-01T08:00/2026-12-01T12:00"  # lat above 90
STOPPED = f"not one of its first {FIRST_ROWS} rows is a valid volunteers row"
runner = CliRunner()


def random_text(lines: int, seed: int = 1) -> str:
    """Lines of random printable characters, commas and quotes included, as a file of
    random text looks to a CSV reader."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + string.punctuation + "    "
    return "".join("".join(rng.choices(alphabet, k=rng.randint(20, 120))) + "\n"
                   for _ in range(lines))  # fmt: skip


def issues_of(volunteers: Path) -> list[Issue]:
    with pytest.raises(InputError) as caught:
        load_problem(volunteers, REQUESTS)
    return [i for i in caught.value.issues if i.source == volunteers.name]


def last_line(issues: list[Issue]) -> int:
    """The highest row number any issue names: how far the file was read."""
    return max((int(m.group(1)) for i in issues if (m := re.search(r"(\d+)$", i.row))), default=0)


# --- text that is not a table ------------------------------------------------------------


def test_random_text_is_refused_after_its_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_text(random_text(20_000))
    issues = issues_of(path)
    assert issues[0] == Issue("volunteers.csv", "", "", issues[0].message)
    assert issues[0].message.startswith(STOPPED)
    assert any(i.message == "required column is missing" for i in issues)  # the usual errors
    assert last_line(issues) <= FIRST_ROWS + 1  # the header is line 1: nothing past the first rows


def test_the_rest_of_a_hopeless_file_is_not_read(tmp_path: Path) -> None:
    """A NUL byte far down a file of random text: a reader that went there would report
    it (as the whole-file read did); one that stops after the first rows never sees it."""
    path = tmp_path / "volunteers.csv"
    path.write_bytes(random_text(5_000).encode() + b"\x00" + random_text(5_000, seed=2).encode())
    issues = issues_of(path)
    assert issues[0].message.startswith(STOPPED)
    assert not any("NUL" in i.message for i in issues)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".parquet"])
def test_every_format_stops_after_the_first_rows_when_none_is_valid(
    tmp_path: Path, suffix: str
) -> None:
    rows = [BAD.format(n).split(",") for n in range(FIRST_ROWS + 500)]
    frame = pd.DataFrame(rows, columns=HEADER.split(","))
    path = tmp_path / f"volunteers{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in [frame.columns.tolist(), *frame.values.tolist()]:
            sheet.append(row)
        book.save(path)
    elif suffix == ".json":
        frame.to_json(path, orient="records")
    else:
        frame.to_parquet(path)
    issues = issues_of(path)
    assert issues[0].message.startswith(STOPPED)
    lat = [i for i in issues if i.field == "lat"]
    assert len(lat) == FIRST_ROWS  # every row examined is listed, no row after them


def test_bad_rows_among_good_ones_are_all_listed(tmp_path: Path) -> None:
    """One valid row among the first: the file is read whole and every bad row named."""
    lines = [HEADER, GOOD.format(0), *(BAD.format(n) for n in range(1, 3 * FIRST_ROWS))]
    path = tmp_path / "volunteers.csv"
    path.write_text("\n".join(lines) + "\n")
    issues = issues_of(path)
    assert not any(STOPPED in i.message for i in issues)
    assert len(issues) == 3 * FIRST_ROWS - 1
    assert last_line(issues) == 3 * FIRST_ROWS + 1


def test_a_city_file_is_read_on_past_one_communitys_bad_rows(tmp_path: Path) -> None:
    """The first rows are all C01's and all bad: C02 must still be planned, and every bad
    row of C01 listed."""
    lines = [f"{HEADER},community"]
    lines += [f"{BAD.format(n)},C01" for n in range(FIRST_ROWS + 200)]
    lines += [f"{GOOD.format(10_000 + n)},C02" for n in range(5)]
    path = tmp_path / "volunteers.csv"
    path.write_text("\n".join(lines) + "\n")
    requests = pd.read_csv(REQUESTS, dtype=str, keep_default_na=False).assign(community="C02")
    city = load_city(path, requests)
    assert {v.community for v in city.problem.volunteers} == {"C02"}
    assert len(city.bad["C01"].issues) == FIRST_ROWS + 200


def test_a_file_that_is_utf8_at_first_and_gbk_later_is_still_read(tmp_path: Path) -> None:
    """The limited read decides the encoding from the file's start; a later byte of another
    encoding sends it back to the whole-file read, which reads GBK as before."""
    lines = [f"{HEADER},name", *(f"{GOOD.format(n)},Wang" for n in range(FIRST_ROWS + 500))]
    text = "\n".join(lines) + "\n" + f"{GOOD.format('x')},王芳\n"
    path = tmp_path / "volunteers.csv"
    path.write_bytes(text.encode("gbk"))
    problem = load_problem(path, REQUESTS)
    assert problem.volunteers[-1].name == "王芳"


# --- binary files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is a PDF document"),
        (b"\x1f\x8b\x08\x00", "is gzip-compressed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an old-format Excel workbook (.xls)"),
    ],
    ids=["png", "pdf", "gzip", "xls"],
)
def test_a_binary_file_renamed_csv_is_one_error_saying_what_it_is(
    tmp_path: Path, start: bytes, what: str
) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(start + random.Random(0).randbytes(200_000))
    assert [(i.source, i.row, i.field) for i in issues_of(path)] == [("volunteers.csv", "", "")]
    assert issues_of(path)[0].message.startswith(what)


# --- folders and missing files -----------------------------------------------------------


def solve(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["solve", *args, "--strategy", "greedy"])
    return result.exit_code, result.output


def test_a_folder_given_as_the_volunteers_file_is_named_as_a_folder(tmp_path: Path) -> None:
    code, output = solve("--volunteers", str(SAMPLE), "--requests", str(REQUESTS),
                         "--out", str(tmp_path / "plan"))  # fmt: skip
    assert code == ExitCode.BAD_INPUT, output
    assert f"{SAMPLE}: is a folder, not a file: give the volunteers file inside it" in output
    assert str(SAMPLE / "volunteers.csv") in output
    assert "unsupported file type" not in output
    assert not (tmp_path / "plan").exists()


def test_a_folder_for_settings_or_teams_is_named_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    base = ["--volunteers", str(SAMPLE / "volunteers.csv"), "--requests", str(REQUESTS),
            "--out", str(tmp_path / "plan")]  # fmt: skip
    code, output = solve(*base, "--settings", str(tmp_path / "conf"))
    assert code == ExitCode.BAD_INPUT, output
    assert "conf: is a folder, not a file: give the settings file inside it" in output
    code, output = solve(*base, "--teams", str(tmp_path / "conf"))
    assert code == ExitCode.BAD_INPUT, output
    assert "conf: is a folder, not a file: give the teams file inside it; it holds no" in output


def test_a_missing_file_is_named_with_the_path_given(tmp_path: Path) -> None:
    missing = tmp_path / "exports" / "volunteers.csv"
    code, output = solve("--volunteers", str(missing), "--requests", str(REQUESTS),
                         "--out", str(tmp_path / "plan"))  # fmt: skip
    assert code == ExitCode.BAD_INPUT, output
    assert f"{missing}: file not found" in output
