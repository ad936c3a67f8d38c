"""The `matcher` command: thin wrappers that parse options, call the library, set the exit code."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from matcher.exit_codes import ExitCode
from matcher.io import InputError

app = typer.Typer(
    name="matcher",
    help="Assign community volunteers to service requests, and check the schedules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

PathOpt = Annotated[Path, typer.Option(help="CSV, Parquet or JSON file.")]


def _fail_on_input(exc: InputError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
    return typer.Exit(ExitCode.BAD_INPUT)


@app.callback()
def _configure(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command()
def solve(
    volunteers: PathOpt,
    requests: PathOpt,
    out: Annotated[Path, typer.Option(help="Output folder (replaced atomically).")],
    time_limit: Annotated[float | None, typer.Option(help="Seconds for the solver.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed; same seed, same output.")] = None,
    teams: Annotated[Path | None, typer.Option(help="Own team catalogue file.")] = None,
    settings: Annotated[Path | None, typer.Option(help="Settings file (TOML or JSON).")] = None,
    strategy: Annotated[str, typer.Option(help="optimise (default) or greedy.")] = "optimise",
    workers: Annotated[int | None, typer.Option(min=1, help="Solver threads.")] = None,
    deterministic: Annotated[
        bool, typer.Option(help="Identical output for identical input and seed.")
    ] = False,
) -> None:
    """Solve one planning run and write assignments.csv, unassigned.csv and summary.json."""
    from matcher.io.load import load_problem, load_settings
    from matcher.io.output import write_solution
    from matcher.solver import solve as run_solver

    try:
        base = load_settings(settings)
        given = {"time_limit_s": time_limit, "seed": seed, "workers": workers}
        overrides = {k: v for k, v in given.items() if v is not None}
        if deterministic:
            overrides["deterministic"] = True
        merged = load_settings({**base.model_dump(), **overrides})
        problem = load_problem(volunteers, requests, teams=teams, settings=merged)
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    from matcher.progress_line import ProgressLine

    line = ProgressLine()
    try:
        solution = run_solver(problem, strategy=strategy, progress=line)
    finally:
        line.close()
    write_solution(solution, out)
    s = solution.summary
    err.print(
        f"{s.status}: served {s.requests_served}/{s.requests_total} requests, "
        f"weight {s.served_weight} of bound {s.upper_bound} (gap {s.gap:.1%}), "
        f"walk {s.walk_minutes:.0f} min, {s.solve_seconds:.1f} s -> {out}",
        highlight=False,
    )


@app.command()
def check(
    volunteers: PathOpt,
    requests: PathOpt,
    schedule: Annotated[Path, typer.Option(help="Folder with assignments.csv, unassigned.csv.")],
    teams: Annotated[Path | None, typer.Option(help="Own team catalogue file.")] = None,
    settings: Annotated[Path | None, typer.Option(help="Settings file (TOML or JSON).")] = None,
) -> None:
    """Check a schedule against every hard rule of the contract, independently of the solver."""
    from matcher.check import check_folder

    try:
        report = check_folder(volunteers, requests, schedule, teams=teams, settings=settings)
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    for violation in report.violations:
        typer.echo(str(violation))
    typer.echo(report.headline())
    raise typer.Exit(ExitCode.OK if report.ok else ExitCode.VIOLATIONS)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder for volunteers.csv and requests.csv.")],
    volunteers: Annotated[int, typer.Option(min=1, help="Number of volunteers.")] = 2000,
    requests: Annotated[int, typer.Option(min=0, help="Number of requests.")] = 1500,
    days: Annotated[int, typer.Option(min=1, help="Days covered by the requests.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD (default: tomorrow).")] = "",
) -> None:
    """Generate a realistic Qinxian-like community: volunteers.csv and requests.csv."""
    from matcher.generate import write_community

    try:
        first_day = date.fromisoformat(start) if start else None
    except ValueError as exc:
        raise typer.BadParameter(
            f"{start!r} is not a date YYYY-MM-DD", param_hint="--start"
        ) from exc
    written = write_community(
        out, volunteers=volunteers, requests=requests, days=days, seed=seed, start=first_day
    )
    err.print(f"wrote {', '.join(str(p) for p in written)}", highlight=False)


def main() -> None:
    """Entry point of the `matcher` script; unexpected errors exit with INTERNAL_ERROR."""
    try:
        app()
    except SystemExit:
        raise
    except Exception:
        logging.getLogger("matcher").exception("internal error")
        sys.exit(ExitCode.INTERNAL_ERROR)
