"""The `matcher` command: thin wrappers that parse options, call the library, set the exit code."""

from __future__ import annotations

import logging
import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from matcher._internal import interrupts
from matcher._internal.exit_codes import ExitCode
from matcher._internal.interrupts import Interrupted
from matcher._internal.io import InputError

if TYPE_CHECKING:
    from matcher._internal.batch import BatchResult
    from matcher._internal.solver import ProgressCallback

app = typer.Typer(
    name="matcher",
    help="Assign community volunteers to service requests, and check the schedules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click messages: never boxed or hard-wrapped at 80 columns
)
err = Console(stderr=True, soft_wrap=True)  # never hard-wrap messages at 80 columns
GLOBAL_FLAGS = ("--log-json", "--no-log-json", "--verbose", "-v")


def _say(message: str, *, error: bool = False) -> None:
    """A message for the person or the log collector on stderr: plain text, or one JSON
    line under --log-json, so a collector never sees a line it cannot parse."""
    from matcher._internal.logs import json_lines_enabled, write_json_line

    if json_lines_enabled():
        write_json_line("error" if error else "info", message)
    elif error:
        err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    else:
        err.print(message, highlight=False)


def _result(message: str) -> None:
    """A command's result line: on stdout, where a person and a script read it
    (`plan=$(matcher solve ...)`); under --log-json it stays the last JSON line on stderr,
    where collectors read every other line."""
    from matcher._internal.logs import json_lines_enabled, write_json_line

    if json_lines_enabled():
        write_json_line("info", message)
    else:
        typer.echo(message)


def _output_folder(out: Path, inputs: list[Path | None]) -> ExitStack:
    """Claim `out` for this run before any work: refused (exit 2) when it is a file, holds
    an input or files matcher did not write, cannot be written, or another run holds it."""
    from matcher._internal.io.outputs.output_folder import OutputPlaceError, claim_output

    stack = ExitStack()
    try:
        stack.enter_context(claim_output(out, [p for p in inputs if p is not None]))
    except OutputPlaceError as exc:
        raise typer.BadParameter(str(exc), param_hint="--out") from exc
    return stack


def _write_failed(exc: OSError) -> typer.Exit:
    _say(str(exc), error=True)
    return typer.Exit(ExitCode.OUTPUT_NOT_WRITTEN)


def _fail_on_input(exc: InputError) -> typer.Exit:
    _say(str(exc), error=True)
    return typer.Exit(ExitCode.BAD_INPUT)


def _positive_seconds(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise typer.BadParameter(f"{value:g} is not a positive number of seconds")
    return value


TimeLimit = Annotated[
    float | None,
    typer.Option(
        callback=_positive_seconds,
        help="Seconds for the solver (default 60; stops earlier once nothing has moved for "
        "a sixth of it, at least 10 s, within a 1% gap).",
    ),
]


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"matcher {version('matcher')}")
        raise typer.Exit()


@app.callback()
def _configure(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    log_json: Annotated[bool, typer.Option(help="Log as JSON lines (for collectors).")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    from matcher._internal.logs import configure

    configure(verbose, log_json)


@app.command()
def solve(
    volunteers: Annotated[Path | None, typer.Option(help="Volunteers file.")] = None,
    requests: Annotated[Path | None, typer.Option(help="Requests file.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder: new, empty, or one matcher wrote before (only what matcher "
            "wrote there is replaced, atomically)."
        ),
    ] = None,
    db: Annotated[
        str | None, typer.Option(help="Database URL or SQLite file instead of input files.")
    ] = None,
    plan_date: Annotated[
        str | None,
        typer.Option(
            help="With --db: first day planned (default: tomorrow in the community's time zone)."
        ),
    ] = None,
    days: Annotated[int, typer.Option(min=1, help="With --db: days planned.")] = 1,
    allow_empty: Annotated[
        bool,
        typer.Option(
            help="With --db: plan a community even when the export has no volunteers of it "
            "though its last run had some (by default its current plan is kept, exit 3 or 7)."
        ),
    ] = False,
    horizon_start: Annotated[
        str | None,
        typer.Option(
            help="With files: first day whose occurrences of recurring requests are planned, "
            "YYYY-MM-DD (default: the first day any volunteer is available)."
        ),
    ] = None,
    horizon_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="With files: days of recurring requests planned (default: through the last "
            "day any volunteer is available). With --db the plan days are the horizon.",
        ),
    ] = None,
    time_limit: TimeLimit = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Random seed of the search (default 0). Only with --deterministic do "
            "the same input and seed give the same output."
        ),
    ] = None,
    teams: Annotated[Path | None, typer.Option(help="Own team catalogue file.")] = None,
    settings: Annotated[Path | None, typer.Option(help="Settings file (TOML or JSON).")] = None,
    walking: Annotated[
        Path | None, typer.Option(help="Walking-time table (from_place, to_place, minutes).")
    ] = None,
    osm: Annotated[
        Path | None,
        typer.Option(
            help="With --walking measured on it (`matcher walking`): the OpenStreetMap "
            "extract, so the team sheets draw each walk along the streets."
        ),
    ] = None,
    strategy: Annotated[str, typer.Option(help="optimise (default) or greedy.")] = "optimise",
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Cores to use (default: every core): the solver's threads when the run is "
            "one part, or that many worker processes of one thread each when it splits "
            "into several (communities, or independent parts of one).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address (e.g. tcp://host:8786): the parts run on that "
            "cluster instead of local processes."
        ),
    ] = None,
    deterministic: Annotated[
        bool,
        typer.Option(
            help="Identical output for identical input and seed: the search counts "
            "work instead of seconds, on one thread."
        ),
    ] = False,
) -> None:
    """Solve one planning run: from files (--volunteers, --requests, --out) or from a
    database (--db), writing assignments, unassigned requests with reasons, and a summary.
    Each community (the optional `community` column) is planned on its own, in parallel."""
    from matcher._internal.city.execute import ClusterUnreachable
    from matcher._internal.city.inputs import community_label
    from matcher._internal.io.store.database import DatabaseUnreachable
    from matcher._internal.progress_line import ProgressLine

    if db is None and (volunteers is None or requests is None or out is None):
        raise typer.BadParameter("give --volunteers, --requests and --out, or --db")
    if osm is not None and (walking is None or db is not None):
        raise typer.BadParameter(
            "--osm draws the walks of a plan made with the table measured on that map: give "
            "--walking (from `matcher walking --osm`) with files",
            param_hint="--osm",
        )
    from matcher._internal.io.outputs.output_folder import OutputPlaceError, OutputWriteError

    database_file = Path(db) if db is not None and Path(db).is_file() else None
    out_existed = out is not None and out.exists()
    line = ProgressLine()
    claimed = (
        _output_folder(out, [volunteers, requests, teams, settings, walking, osm, database_file])
        if out is not None
        else ExitStack()
    )
    try:
        with claimed, interrupts.deferred():
            result = _solve_run(
                volunteers, requests, out, db=db, plan_date=plan_date, days=days,
                time_limit=time_limit, seed=seed, teams=teams, settings=settings,
                walking=walking, strategy=strategy, workers=workers, scheduler=scheduler,
                deterministic=deterministic, allow_empty=allow_empty, line=line, osm=osm,
                horizon=(horizon_start, horizon_days),
            )  # fmt: skip
            stopped = interrupts.received()
            if stopped is not None:  # the signal came after the new plan was written
                _result(f"interrupted ({stopped.name}) after the new plan was written "
                        f"-> {result.written_to}")  # fmt: skip
                raise typer.Exit(stopped.exit_code)
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    except DatabaseUnreachable as exc:
        _say(str(exc), error=True)
        raise typer.Exit(ExitCode.DATABASE_UNREACHABLE) from exc
    except ClusterUnreachable as exc:
        raise typer.BadParameter(str(exc), param_hint="--scheduler") from exc
    except OutputPlaceError as exc:
        raise typer.BadParameter(str(exc), param_hint="--out") from exc
    except OutputWriteError as exc:
        raise _write_failed(exc) from exc
    except Interrupted as exc:
        if out is None:
            kept = "the database keeps its current plan"
        else:
            kept = f"{out} holds what it held before" if out_existed else "nothing was written"
        _say(f"interrupted ({exc.name}) before the new plan was written: {kept}", error=True)
        raise typer.Exit(exc.exit_code) from None
    finally:
        line.close()
    for community in result.not_planned:
        _say(f"community {community_label(community.community)} not planned: "
             f"{community.errors or community.failure}", error=True)  # fmt: skip
    s = result.solution.summary
    _result(
        f"{s.status}: served {s.requests_served}/{s.requests_total} requests, "
        f"weight {s.served_weight} of bound {s.upper_bound} (gap {s.gap:.1%}), "
        f"walk {s.walk_minutes:.0f} min, {s.solve_seconds:.1f} s -> {result.written_to}"
    )
    if result.not_planned:
        names = ", ".join(community_label(c.community) for c in result.not_planned)
        _say(f"{len(result.not_planned)} communities not planned: {names}", error=True)
        raise typer.Exit(ExitCode.COMMUNITIES_NOT_PLANNED)
    if s.requests_total and not s.requests_served:
        raise typer.Exit(ExitCode.NOTHING_SERVED)


def _solve_run(
    volunteers: Path | None, requests: Path | None, out: Path | None, *, db: str | None,
    plan_date: str | None, days: int, time_limit: float | None, seed: int | None,
    teams: Path | None, settings: Path | None, walking: Path | None, strategy: str,
    workers: int | None, scheduler: str | None, deterministic: bool, allow_empty: bool,
    line: ProgressCallback, osm: Path | None = None,
    horizon: tuple[str | None, int | None] = (None, None),
) -> BatchResult:  # fmt: skip
    """One `solve`: from the database or from files; a signal stops the search early and
    the run then writes nothing (`interrupts`)."""
    from matcher._internal.batch import merged_settings, run_database, run_files

    chosen = merged_settings(
        settings, time_limit_s=time_limit, seed=seed, workers=workers,
        deterministic=deterministic,
        horizon_start=_parse_date(horizon[0], "--horizon-start") if horizon[0] else None,
        horizon_days=horizon[1],
    )  # fmt: skip
    if db is not None:
        first_day = _parse_date(plan_date, "--plan-date") if plan_date else None
        return run_database(
            db, plan_date=first_day, days=days, out=out, teams=teams, settings=chosen,
            strategy=strategy, progress=line, scheduler=scheduler, allow_empty=allow_empty,
            cancel=interrupts.stop,
        )  # fmt: skip
    assert volunteers is not None and requests is not None and out is not None
    return run_files(
        volunteers, requests, out, teams=teams, settings=chosen, strategy=strategy,
        progress=line, walking=walking, scheduler=scheduler, cancel=interrupts.stop, osm=osm,
    )  # fmt: skip


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date YYYY-MM-DD", param_hint=option) from exc


@app.command()
def check(
    volunteers: Annotated[Path | None, typer.Option(help="Volunteers file.")] = None,
    requests: Annotated[Path | None, typer.Option(help="Requests file.")] = None,
    schedule: Annotated[
        Path | None, typer.Option(help="Folder with assignments.csv, unassigned.csv.")
    ] = None,
    db: Annotated[str | None, typer.Option(help="Check a run stored in this database.")] = None,
    run: Annotated[str | None, typer.Option(help="With --db: run id (default current).")] = None,
    community: Annotated[
        str | None, typer.Option(help="With --db: the current run of this community.")
    ] = None,
    teams: Annotated[Path | None, typer.Option(help="Own team catalogue file.")] = None,
    settings: Annotated[Path | None, typer.Option(help="Settings file (TOML or JSON).")] = None,
    walking: Annotated[
        Path | None, typer.Option(help="Walking-time table the schedule was made with.")
    ] = None,
) -> None:
    """Check a schedule against every hard rule of the contract, independently of the solver."""
    from matcher._internal.check import check_database, check_folder
    from matcher._internal.io.store.database import DatabaseUnreachable

    try:
        if db is not None:
            report = check_database(db, run_id=run, teams=teams, community=community)
        elif volunteers is None or requests is None or schedule is None:
            raise typer.BadParameter("give --volunteers, --requests and --schedule, or --db")
        else:
            report = check_folder(
                volunteers, requests, schedule, teams=teams, settings=settings, walking=walking
            )
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    except (DatabaseUnreachable, LookupError) as exc:
        _say(str(exc), error=True)
        raise typer.Exit(ExitCode.DATABASE_UNREACHABLE) from exc
    for violation in report.violations:
        typer.echo(str(violation))
    typer.echo(report.headline())
    raise typer.Exit(ExitCode.OK if report.ok else ExitCode.VIOLATIONS)


@app.command()
def hours(
    database: Annotated[
        str, typer.Option("--database", "--db", help="Database URL or SQLite file.")
    ],
    month: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    out: Annotated[
        Path, typer.Option(help="A .csv file (one table) or .xlsx workbook (a sheet per team).")
    ],
    credit_passed: Annotated[
        bool,
        typer.Option(
            help="First credit every planned assignment of a day that has passed and that "
            "the ledger has no word on (the setting hours_credit = day_passed)."
        ),
    ] = False,
    settings: Annotated[Path | None, typer.Option(help="Settings file (TOML or JSON).")] = None,
) -> None:
    """Export the volunteer hours credited in a month, per team and volunteer (the hours
    ledger: served minutes of assignments marked done, or of days that have passed)."""
    from matcher._internal.batch import local_today, merged_settings
    from matcher._internal.io.store import hours as ledger
    from matcher._internal.io.store.database import DatabaseUnreachable, engine_for

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter(f"{out.name}: give a .csv or .xlsx file", param_hint="--out")
    try:
        ledger.month_range(month)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--month") from exc
    try:
        chosen = merged_settings(settings)
        engine = engine_for(database)
        if credit_passed:
            ledger.credit_passed_days(engine, local_today(chosen.timezone))
        frame = ledger.monthly_hours(engine, month)
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    except DatabaseUnreachable as exc:
        _say(str(exc), error=True)
        raise typer.Exit(ExitCode.DATABASE_UNREACHABLE) from exc
    try:
        ledger.write_hours(frame, out)
    except OSError as exc:
        raise _write_failed(exc) from exc
    _result(f"{month}: {frame['hours'].sum():.1f} hours of {frame['volunteer_id'].nunique()} "
            f"volunteers in {frame['team'].nunique()} teams -> {out}")  # fmt: skip


@app.command()
def generate(
    out: Annotated[
        Path,
        typer.Option(
            help="Folder for volunteers.csv and requests.csv: new, empty, or one matcher "
            "wrote before."
        ),
    ],
    volunteers: Annotated[int, typer.Option(min=1, help="Number of volunteers.")] = 2000,
    requests: Annotated[int, typer.Option(min=0, help="Number of requests.")] = 1500,
    days: Annotated[int, typer.Option(min=1, help="Days covered by the requests.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD (default: tomorrow).")] = "",
    communities: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="A city of this many communities 3 km apart, each with --volunteers and "
            "--requests; ids start with the community code (C01-V00001).",
        ),
    ] = None,
    osm: Annotated[
        Path | None,
        typer.Option(
            help="An OpenStreetMap extract (.osm.pbf or .osm): the community is laid out "
            "on its walkable ways instead of in Qinxian.",
        ),
    ] = None,
) -> None:
    """Generate a realistic Qinxian-like community (or a city of them): volunteers.csv and
    requests.csv."""
    from matcher._internal.generate import write_city, write_community

    if osm is not None and communities is not None:
        raise typer.BadParameter("give --osm or --communities, not both", param_hint="--osm")

    try:
        first_day = date.fromisoformat(start) if start else None
    except ValueError as exc:
        raise typer.BadParameter(
            f"{start!r} is not a date YYYY-MM-DD", param_hint="--start"
        ) from exc
    from matcher._internal.io.outputs.output_folder import OutputWriteError, write_folder_atomically

    def fill(folder: Path) -> None:
        if osm is not None:
            _community_on_streets(folder, osm, volunteers=volunteers, requests=requests,
                                  days=days, seed=seed, start=first_day)  # fmt: skip
        elif communities is None:
            write_community(folder, volunteers=volunteers, requests=requests, days=days,
                            seed=seed, start=first_day)  # fmt: skip
        else:
            write_city(folder, communities=communities, volunteers=volunteers,
                       requests=requests, days=days, seed=seed, start=first_day)  # fmt: skip

    try:
        with _output_folder(out, [osm]):
            write_folder_atomically(out, fill)
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    except OutputWriteError as exc:
        raise _write_failed(exc) from exc
    written = [out / "volunteers.csv", out / "requests.csv"]
    _result(f"wrote {', '.join(str(p) for p in written)}")


def _community_on_streets(
    folder: Path, osm: Path, *, volunteers: int, requests: int, days: int, seed: int,
    start: date | None,
) -> None:  # fmt: skip
    """A generated community with every home and request moved onto the map's ways."""
    from matcher._internal.generate import generate_community
    from matcher._internal.generate.csvform import write_csv
    from matcher._internal.streets import place_on_streets

    vols, reqs = generate_community(volunteers, requests, days=days, seed=seed, start=start)
    vols, reqs = place_on_streets(vols, reqs, osm)
    write_csv(vols, folder / "volunteers.csv")
    write_csv(reqs, folder / "requests.csv")


@app.command()
def walking(
    osm: Annotated[
        Path, typer.Option(help="OpenStreetMap extract of the area (.osm.pbf or .osm).")
    ],
    volunteers: Annotated[Path, typer.Option(help="Volunteers file (homes).")],
    requests: Annotated[Path, typer.Option(help="Requests file (where services happen).")],
    out: Annotated[
        Path,
        typer.Option(
            help="Walking-time table to write (.csv, or .parquet); replaced only when "
            "matcher wrote it, and left as it is when neither the map nor a place moved."
        ),
    ],
    teams: Annotated[Path | None, typer.Option(help="Own team catalogue file.")] = None,
    settings: Annotated[
        Path | None, typer.Option(help="Settings file (TOML or JSON): the walking pace.")
    ] = None,
    max_snap_m: Annotated[
        float,
        typer.Option(
            min=0, help="Farthest a home or request may be from a walkable way, in metres."
        ),
    ] = 200.0,
) -> None:
    """Measure walking times along the map's footpaths (gates and walls of compounds
    included) and write the walking-time table `matcher solve --walking` reads."""
    from matcher._internal.streets import (
        NotMatchersFile,
        cache_key,
        is_current,
        walking_times_from_osm,
        write_table,
    )

    if out.suffix.lower() not in (".csv", ".parquet"):
        raise typer.BadParameter("the table is written as .csv or .parquet", param_hint="--out")
    try:
        from matcher._internal.io import load_problem

        problem = load_problem(volunteers, requests, teams=teams, settings=settings)
        key = cache_key(osm, problem, max_snap_m) if osm.is_file() else ""
        if key and is_current(out, key):
            _result(f"{out} is current: neither the map nor a place moved since it was written")
            return
        walks = walking_times_from_osm(osm, problem, max_snap_m=max_snap_m)
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    try:
        write_table(walks, out, key)
    except NotMatchersFile as exc:
        raise typer.BadParameter(str(exc), param_hint="--out") from exc
    except OSError as exc:
        raise _write_failed(exc) from exc
    if len(walks.snaps):
        farthest = walks.snaps.iloc[int(walks.snaps["snap_m"].to_numpy().argmax())]
        _say(f"snapped {len(walks.snaps)} places to the footpaths: median "
             f"{walks.snaps['snap_m'].median():.0f} m, farthest {farthest['snap_m']:.0f} m "
             f"({farthest['kind']} {farthest['place']})")  # fmt: skip
    _result(f"wrote {out} ({len(walks.table):,} walks)")


@app.command()
def serve(
    db: Annotated[str, typer.Option(help="Database URL or SQLite file (created if missing).")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    settings: Annotated[Path | None, typer.Option(help="Settings file (TOML or JSON).")] = None,
    community: Annotated[
        str | None, typer.Option(help="In a city's database: the community this server plans.")
    ] = None,
) -> None:
    """Serve the HTTP API (requests, urgent calls, plans, re-plans, jobs) over the database.
    The key comes from MATCHER_API_KEY, or from the file named by MATCHER_API_KEY_FILE."""
    from matcher._internal.batch import merged_settings
    from matcher._internal.io.store.database import DatabaseUnreachable
    from matcher._internal.service.server import ApiKeyMissing, run_server

    try:
        run_server(db, host=host, port=port, settings=merged_settings(settings),
                   community=community)  # fmt: skip
    except ApiKeyMissing as exc:
        raise typer.BadParameter(str(exc), param_hint="MATCHER_API_KEY") from exc
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    except DatabaseUnreachable as exc:
        _say(str(exc), error=True)
        raise typer.Exit(ExitCode.DATABASE_UNREACHABLE) from exc


scenario_app = typer.Typer(help="What-if scenarios: run them and compare with the baseline.")
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("run")
def scenario_run(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files (TOML).")],
    out: Annotated[
        Path,
        typer.Option(
            help="Folder for report.html, comparison.csv and charts: new, empty, or one "
            "matcher wrote before."
        ),
    ],
    time_limit: Annotated[
        float | None, typer.Option(callback=_positive_seconds, help="Seconds per scenario.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel processes.")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786.")
    ] = None,
    strategy: Annotated[str, typer.Option(help="optimise (default) or greedy.")] = "optimise",
) -> None:
    """Run scenarios in parallel; write comparison.csv (KPIs and change vs baseline), PNG
    charts and report.html."""
    from matcher._internal.io.outputs.output_folder import OutputWriteError, write_folder_atomically
    from matcher._internal.scenarios.comparison_report import write_report
    from matcher._internal.scenarios.run import run_scenarios, write_comparison

    try:
        with _output_folder(out, list(paths)):
            # a line per finished run: a long comparison is not silent in a log
            table = run_scenarios(paths, time_limit=time_limit, workers=workers,
                                  scheduler=scheduler, strategy=strategy,
                                  on_finished=lambda run: _say(str(run)))  # fmt: skip

            def fill(folder: Path) -> None:
                write_comparison(table, folder)
                write_report(table, folder)

            write_folder_atomically(out, fill)
    except InputError as exc:
        raise _fail_on_input(exc) from exc
    except OutputWriteError as exc:
        raise _write_failed(exc) from exc
    columns = ["variant", "served_share", "served_weight", "urgent_served_share", "gap"]
    typer.echo(table[columns].to_string(index=False))
    _result(f"wrote {out / 'report.html'} (tables, charts, maps) and "
            f"{out / 'comparison.csv'} (every figure per run)")  # fmt: skip


def hoist_global_flags(argv: list[str]) -> list[str]:
    """Move --log-json and --verbose in front of the sub-command, so they work wherever they
    are typed (`matcher solve ... --log-json` as well as `matcher --log-json solve ...`)."""
    flags = [a for a in argv if a in GLOBAL_FLAGS]
    return flags + [a for a in argv if a not in GLOBAL_FLAGS]


def main() -> None:
    """Entry point of the `matcher` script: signals stop cleanly (`interrupts`), unexpected
    errors exit with INTERNAL_ERROR."""
    interrupts.install()
    try:
        app(args=hoist_global_flags(sys.argv[1:]))
    except SystemExit:
        raise
    except Interrupted as exc:
        interrupts.report(exc, "stopped; no output was changed", sys.argv[1:])
        sys.exit(exc.exit_code)
    except Exception:
        logging.getLogger("matcher").exception("internal error")
        sys.exit(ExitCode.INTERNAL_ERROR)
    finally:
        if interrupts.received() is not None:
            interrupts.ignore_from_now()


if __name__ == "__main__":
    main()
