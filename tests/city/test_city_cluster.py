"""A city on a real Dask cluster: plans as good as each community alone, and worker deaths.

One `LocalCluster` of two single-threaded worker processes serves the module, set up as
`matcher solve` sets up its own (`allowed_failures=1`: a part survives one worker death,
not two). Workers are killed with SIGKILL while they run a part; the cluster's nannies
start new ones.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from cities import city_frames

from matcher._internal.check import check_solution
from matcher._internal.city import load_city, plan_city
from matcher._internal.city.execute import ALLOWED_FAILURES, PartDone
from matcher._internal.model import Settings, Status
from matcher._internal.solver import solve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Any, Any]]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
            scheduler_kwargs={"allowed_failures": ALLOWED_FAILURES},
        ) as local,
        Client(local) as client,
    ):  # fmt: skip
        yield local, client


def _ready(client: Any) -> None:
    client.wait_for_workers(2, timeout=60)


def _executing(dask_worker: Any) -> list[str]:
    return [str(ts.key) for ts in dask_worker.state.executing]


def _kill_while_running(client: Any, community: str, *, not_pid: int | None = None) -> int:
    """SIGKILL the worker process that is running `community`'s part; its pid."""
    give_up = time.monotonic() + 90
    while time.monotonic() < give_up:
        try:
            running = client.run(_executing)
            pids = client.run(os.getpid)
        except Exception:  # a worker is restarting: look again
            time.sleep(0.05)
            continue
        for address, keys in running.items():
            if any(f"-{community}-" in key for key in keys) and pids.get(address) != not_pid:
                os.kill(pids[address], signal.SIGKILL)
                return int(pids[address])
        time.sleep(0.02)
    raise AssertionError(f"no worker ran {community}'s part")


def test_a_city_plans_each_community_as_well_as_alone(cluster: tuple[Any, Any]) -> None:
    local, client = cluster
    _ready(client)
    vols, reqs = city_frames(3, 60, 50)
    city = load_city(vols, reqs, settings=Settings(time_limit_s=10))
    result = plan_city(city, scheduler=local.scheduler_address)
    assert [c.community for c in result.communities] == ["C01", "C02", "C03"]
    assert all(isinstance(p, PartDone) for p in result.parts)
    assert check_solution(result.problem, result.solution).ok
    for outcome in result.communities:
        assert outcome.problem is not None and outcome.solution is not None
        alone = solve(outcome.problem).summary  # the community's own run, same settings
        mine = outcome.solution.summary
        assert mine.served_weight <= alone.upper_bound and alone.served_weight <= mine.upper_bound
        if Status.OPTIMAL in (mine.status, alone.status):
            assert mine.served_weight >= alone.served_weight
        if mine.status == alone.status == Status.OPTIMAL:
            assert mine.served_weight == alone.served_weight
    s = result.solution.summary
    assert s.upper_bound == sum(c.upper_bound for c in s.per_community.values())
    assert s.served_weight == sum(c.served_weight for c in s.per_community.values())
    assert (s.status == Status.OPTIMAL) == all(
        c.status == Status.OPTIMAL for c in s.per_community.values()
    )


def _slow_city() -> Any:
    """Three communities whose parts use their whole share (no early stop, no proof in
    seconds), so a worker can be killed while it runs one."""
    vols, reqs = city_frames(3, 300, 450, seed=2)
    return load_city(vols, reqs, settings=Settings(time_limit_s=9, stall_seconds=0))


def test_a_killed_worker_s_part_runs_again_and_every_community_is_planned(
    cluster: tuple[Any, Any],
) -> None:
    local, client = cluster
    _ready(client)
    city = _slow_city()
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(plan_city, city, scheduler=local.scheduler_address)
        killed = _kill_while_running(client, "C02")
        result = running.result(timeout=180)
    assert not result.not_planned
    [c02] = [p for p in result.parts if p.community == "C02"]
    assert isinstance(c02, PartDone) and not c02.worker.endswith(f":{killed}")
    assert check_solution(result.problem, result.solution).ok
    assert len(result.solution.summary.per_community) == 3


def test_a_part_whose_worker_dies_twice_is_reported_with_its_community(
    cluster: tuple[Any, Any],
) -> None:
    local, client = cluster
    _ready(client)
    city = _slow_city()
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(plan_city, city, scheduler=local.scheduler_address)
        first = _kill_while_running(client, "C02")
        _kill_while_running(client, "C02", not_pid=first)
        result = running.result(timeout=180)
    assert [c.community for c in result.not_planned] == ["C02"]
    [c02] = result.not_planned
    assert c02.failure is not None and "died" in c02.failure
    lines = result.solution.summary.per_community
    assert lines["C02"].status is None and lines["C02"].failure == c02.failure
    assert {r.community for r in result.problem.requests} == {"C01", "C03"}
    assert check_solution(result.problem, result.solution).ok
