"""The pages as a person sees them: a team sheet and a scenario report rendered by a real
browser (headless Chromium) at 1280 px, screenshotted and read back.

CI installs Chromium and the Noto CJK fonts (`.ci/run`); there the test fails without them.
Elsewhere it is skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image
from scenario_tables import comparison_table

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.io.outputs.batch_files import write_solution
from matcher._internal.model import QINXIAN_TEAMS
from matcher._internal.scenarios.comparison_report import write_report

pytestmark = pytest.mark.slow  # a solve, charts and four browser runs: about 20 s

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1280, 2000


@pytest.fixture(scope="module")
def browser() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs the Debian package chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    return CHROMIUM


def _render(browser: Path, page: Path, tmp: Path) -> tuple[np.ndarray, str]:
    """A 1280 x 2000 screenshot of `page` (RGB floats) and its DOM after rendering."""
    common = [
        str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", f"--user-data-dir={tmp / 'profile'}",
        f"--window-size={WIDTH},{HEIGHT}",
    ]  # fmt: skip
    shot = tmp / f"{page.stem}.png"
    url = page.resolve().as_uri()
    subprocess.run([*common, f"--screenshot={shot}", url], check=True, capture_output=True,
                   timeout=90)  # fmt: skip
    dom = subprocess.run([*common, "--dump-dom", url], check=True, capture_output=True,
                         timeout=90).stdout.decode("utf-8")  # fmt: skip
    return image.imread(shot)[:, :, :3], dom


def _looks_like_a_page(pixels: np.ndarray) -> None:
    """Not blank, drawn in many colours (a map, text, tables), nothing past the right margin."""
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    ink = (pixels < 0.94).any(axis=2)
    assert ink.mean() > 0.04, f"only {ink.mean():.1%} of the page is drawn on"
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 200, f"{len(colours)} colours: no map or chart rendered?"
    right = ink[:, WIDTH - 40 :]
    assert not right.any(), "something runs into the right margin: the page is wider than 1280"


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, matcher.Problem, set[str]]:
    """The busiest team's sheet of a small generated two-day community."""
    volunteers, requests = generate_community(90, 110, days=2, seed=3, start=date(2026, 12, 1))
    problem = matcher.load_problem(volunteers, requests)
    solution = matcher.solve(problem, strategy="greedy")
    out = tmp_path_factory.mktemp("sheet") / "out"
    write_solution(solution, out, problem)
    by_id = {r.request_id: r for r in problem.requests}
    teams = [by_id[a.request_id].team or "any" for a in solution.assignments]
    busiest = max(set(teams), key=teams.count)
    served = {
        a.request_id for a in solution.assignments if (by_id[a.request_id].team or "any") == busiest
    }
    return out / "sheets" / f"{busiest}.html", problem, served


def test_a_team_sheet_renders_readably_at_1280(
    browser: Path, sheet: tuple[Path, matcher.Problem, set[str]], tmp_path: Path
) -> None:
    page, problem, served = sheet
    pixels, dom = _render(browser, page, tmp_path)
    _looks_like_a_page(pixels)
    team = next(t for t in QINXIAN_TEAMS if t.code == page.stem)
    assert team.name_zh in dom
    assert "2026-12-01" in dom and "2026-12-02" in dom and "周二" in dom
    requests = {r.request_id: r for r in problem.requests}
    addresses = [requests[r].address for r in served if requests[r].address]
    assert addresses and all(a in dom for a in addresses)
    names = {v.volunteer_id: v.name for v in problem.volunteers}
    rows = [row for row in dom.split("<tr>") if any(f">{r} · P" in row for r in served)]
    assert rows and all(any(f"{n} <span" in row for n in names.values() if n) for row in rows)
    assert dom.count("<svg") >= 2  # a map per day


def test_the_scenario_report_renders_readably_at_1280(browser: Path, tmp_path: Path) -> None:
    page = write_report(comparison_table(), tmp_path / "report")
    pixels, dom = _render(browser, page, tmp_path)
    _looks_like_a_page(pixels)
    assert "Served share (%)" in dom and "within solver gap — may be noise" in dom
    assert "Icy paths: walking reach cut to 10 minutes." in dom
    assert dom.count("data:image/png;base64,") >= 6  # charts, the sweep and the unserved map
