"""Run scenarios side by side on local processes and compare them with the baseline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from matcher._internal.scenarios.apply import apply_changes, base_problem
from matcher._internal.scenarios.kpis import kpis
from matcher._internal.scenarios.spec import Scenario, SetVolunteers, describe, load_scenario

NOT_COMPARED = {"scenario", "variant", "sweep_value"}

UNSERVED_COLUMNS = ["scenario", "variant", "request_id", "lat", "lon", "priority", "reason"]
"""`table.attrs["unserved"]` and `unserved.csv`: where each variant leaves requests unserved."""


def variants(scenario: Scenario) -> list[tuple[str, Scenario]]:
    """The scenario itself, or one variant per sweep value."""
    if scenario.sweep is None:
        return [(scenario.name, scenario)]
    out = []
    for value in scenario.sweep.values:
        step = SetVolunteers(type="set_volunteers", field=scenario.sweep.field, value=value)
        out.append((f"{scenario.name} [{scenario.sweep.field}={value}]",
                    scenario.model_copy(update={"change": [*scenario.change, step],
                                                "sweep": None})))  # fmt: skip
    return out


def run_variant(
    name: str, scenario: Scenario, time_limit: float | None, strategy: str = "optimise"
) -> dict[str, Any]:
    """Build, change, solve and measure one variant (runs in a worker process)."""
    from matcher._internal.solver import solve  # in the worker: keeps the parent light

    started = time.perf_counter()
    problem = apply_changes(base_problem(scenario), scenario.change)
    if time_limit is not None:
        problem = problem.with_settings(time_limit_s=time_limit)
    solution = solve(problem, strategy=strategy)
    swept = scenario.change[-1] if name != scenario.name and scenario.change else None
    value = swept.value if isinstance(swept, SetVolunteers) else None
    requests = {r.request_id: r for r in problem.requests}
    unserved = [
        (u.request_id, requests[u.request_id].lat, requests[u.request_id].lon,
         requests[u.request_id].priority, u.reason.value)
        for u in solution.unassigned
    ]  # fmt: skip
    return {"scenario": scenario.name, "variant": name, "sweep_value": value,
            **kpis(problem, solution), "_unserved": unserved,
            "_seconds": time.perf_counter() - started}  # fmt: skip


@dataclass(frozen=True)
class Finished:
    """One variant's run is over: what `run_scenarios` reports as each one finishes, so a
    long comparison shows progress in a log, not only at its end."""

    variant: str
    served_share: float
    gap: float
    seconds: float
    """Wall-clock seconds of the run in its worker: building, changing, solving, measuring."""
    done: int
    total: int

    def __str__(self) -> str:
        return (f"finished {self.variant} ({self.done} of {self.total}): served "
                f"{self.served_share:.1%}, gap {self.gap:.2%}, {self.seconds:.1f} s")  # fmt: skip


class _Future(Protocol):
    """What both a local and a Dask future offer: the worker's result, once it is there."""

    def result(self) -> dict[str, Any]: ...


def _gather(
    futures: Sequence[_Future],
    finishing: Iterable[_Future],
    on_finished: Callable[[Finished], None] | None,
) -> list[dict[str, Any]]:
    """The runs' rows in the order the jobs were given, telling `on_finished` about each as
    it finishes (`finishing` yields the futures in that order)."""
    for done, future in enumerate(finishing, 1):
        row = future.result()
        if on_finished is not None:
            on_finished(Finished(row["variant"], row["served_share"], row["gap"],
                                 row["_seconds"], done, len(futures)))  # fmt: skip
    return [future.result() for future in futures]


def run_scenarios(
    paths: list[Path],
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    strategy: str = "optimise",
    on_finished: Callable[[Finished], None] | None = None,
) -> pd.DataFrame:
    """One row per scenario (or sweep value), with `<kpi>_change` against the baseline: the
    scenario named "baseline", else the first, and each scenario's description, base,
    settings, changes and sweep in words. `attrs["unserved"]` holds where each variant left
    requests unserved (`UNSERVED_COLUMNS`), for the report's maps. Runs on local processes,
    or on the Dask cluster at `scheduler` (an address like tcp://127.0.0.1:8786);
    `on_finished` hears of each run as it finishes."""
    loaded = [load_scenario(path) for path in paths]
    jobs = [(name, s) for scenario in loaded for name, s in variants(scenario)]
    names, scenarios = [j[0] for j in jobs], [j[1] for j in jobs]
    limits, strategies = [time_limit] * len(jobs), [strategy] * len(jobs)
    if scheduler is not None:
        from distributed import Client
        from distributed import as_completed as finishing_on_cluster

        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            futures = client.map(run_variant, names, scenarios, limits, strategies, pure=False)
            finishing = finishing_on_cluster(futures)  # type: ignore[no-untyped-call]
            rows = _gather(futures, finishing, on_finished)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            local = [
                pool.submit(run_variant, *job)
                for job in zip(names, scenarios, limits, strategies, strict=True)
            ]
            rows = _gather(local, as_completed(local), on_finished)
    unserved = pd.DataFrame(
        [(row["scenario"], row["variant"], *spot) for row in rows for spot in row["_unserved"]],
        columns=UNSERVED_COLUMNS,
    )
    table = compare(pd.DataFrame([{k: v for k, v in row.items() if not k.startswith("_")}
                                  for row in rows]))  # fmt: skip
    if time_limit is not None:  # the report shows the settings the runs actually had
        loaded = [s.model_copy(update={"settings": {**s.settings, "time_limit_s": time_limit}})
                  for s in loaded]  # fmt: skip
    words = pd.DataFrame([{"scenario": s.name, **describe(s)} for s in loaded])
    table = table.merge(words.drop_duplicates("scenario"), on="scenario", how="left")
    table.attrs["unserved"] = unserved
    return table


def compare(table: pd.DataFrame) -> pd.DataFrame:
    names = table["scenario"].str.lower()
    base = table[names == "baseline"].iloc[0] if (names == "baseline").any() else table.iloc[0]
    numeric = [c for c in table.columns if c not in NOT_COMPARED
               and pd.api.types.is_numeric_dtype(table[c])]  # fmt: skip
    for column in numeric:
        table[f"{column}_change"] = table[column] - base[column]
    return table


def write_comparison(table: pd.DataFrame, out: Path) -> Path:
    """`comparison.csv`, and `unserved.csv` (one row per unserved request and variant, with
    its place and reason) when the table carries it."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "comparison.csv"
    table.to_csv(path, index=False)
    unserved = table.attrs.get("unserved")
    if isinstance(unserved, pd.DataFrame):
        unserved.to_csv(out / "unserved.csv", index=False)
    return path
