"""Run the parts: in this process, on local worker processes, or on a Dask cluster.

- One part (or `workers=1` without a scheduler): in this process, one part after another.
  A lone part solves with the settings' own threads, exactly like a run without splitting.
- Several parts: a `LocalCluster` of `workers` single-threaded worker processes, or the
  cluster at `scheduler`. Each part solves on one thread; the cluster runs as many parts
  at once as it has threads.

A part is tried again once when it raises, and when the worker running it dies it is moved
to another worker (Dask's `retries=1`, and the scheduler's `allowed-failures`, which the
local cluster sets to 1). A part that fails twice comes back as a `PartFailed` naming its
community; the other parts are unaffected. Input errors found while solving (a walk the
strict walking table lacks) come back at once: they would be found again.
"""

from __future__ import annotations

import logging
import os
import resource
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from matcher._internal.city.budget import part_budgets, seconds_left
from matcher._internal.city.inputs import Community, community_label
from matcher._internal.city.split import Part
from matcher._internal.io.errors import InputError
from matcher._internal.model import Settings, Solution
from matcher._internal.solver import ProgressCallback, solve

log = logging.getLogger(__name__)

ALLOWED_FAILURES = 1
"""Worker deaths a part survives on the local cluster: the second death fails it."""
CANCEL_POLL_SECONDS = 0.2
"""How often a run waiting on a cluster looks whether it was asked to stop."""


class ClusterUnreachable(RuntimeError):
    """The Dask scheduler named on the command line cannot be reached."""


@dataclass(frozen=True)
class PartJob:
    """A part with what its solve needs: its share of the time and how many threads."""

    part: Part
    seconds: float
    deadline: float | None
    """`time.time()` by which the whole run should be done; None in deterministic mode."""
    threads: int | None
    """Solver threads for the part; None keeps the settings' own."""
    strategy: str


@dataclass(frozen=True)
class PartDone:
    community: Community
    index: int
    solution: Solution
    seconds: float
    worker: str
    """`host:pid` of the process that solved it."""
    peak_mb: float
    """Peak resident memory of that process so far, in MB."""
    finished_at: float
    """`time.time()` when it was done."""
    budget: float
    """Its share of the time limit, in seconds (before the cut to the run's deadline)."""


@dataclass(frozen=True)
class PartFailed:
    community: Community
    index: int
    message: str
    errors: InputError | None = None
    """Input errors the solve found (a walk the strict walking table lacks): bad input of
    its community, never tried again."""


PartOutcome = PartDone | PartFailed


def solve_part(
    job: PartJob,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> PartOutcome:
    """Solve one part (in whichever process runs it) within its share of the time. Input
    errors come back as a `PartFailed` (trying again would find them again); anything
    else raises, and the part is tried once more."""
    began = time.perf_counter()
    overrides: dict[str, Any] = {"time_limit_s": seconds_left(job.seconds, job.deadline)}
    if job.threads is not None:
        overrides["workers"] = job.threads
    problem = job.part.problem.with_settings(**overrides)
    try:
        solution = solve(
            problem,
            strategy=job.strategy,
            progress=progress,
            prepared=job.part.prepared,
            cancel=cancel,
        )
    except InputError as exc:
        part = job.part
        return PartFailed(part.community, part.index, f"bad input: {len(exc.issues)} error(s)",
                          errors=exc)  # fmt: skip
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB
    return PartDone(
        job.part.community,
        job.part.index,
        solution,
        time.perf_counter() - began,
        f"{socket.gethostname()}:{os.getpid()}",
        peak_mb,
        time.time(),
        job.seconds,
    )


def run_parts(
    parts: list[Part],
    *,
    settings: Settings,
    strategy: str,
    started: float,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> list[PartOutcome]:
    """Every part's outcome, in the order of `parts`. `started` (a `time.time()` reading)
    is when the run began: the run's deadline is that plus the time limit. Setting `cancel`
    stops the parts solved here early (with their best schedules) and leaves the parts not
    yet back from a cluster as failed."""
    deadline = None if settings.deterministic else started + settings.time_limit_s
    workers = settings.effective_workers
    if scheduler is None and (len(parts) == 1 or workers == 1):
        threads = None if len(parts) == 1 else 1
        jobs = _jobs(parts, settings, strategy, deadline, slots=1, threads=threads)
        return [_in_process(job, progress if len(parts) == 1 else None, cancel) for job in jobs]
    travelling = [replace(p, prepared=None) for p in parts]  # other processes build their own
    with _client(scheduler, workers) as client:
        slots = sum(client.nthreads().values()) or workers
        jobs = _jobs(travelling, settings, strategy, deadline, slots=slots, threads=1)
        return _on_cluster(client, jobs, slots, cancel)


def _jobs(
    parts: list[Part],
    settings: Settings,
    strategy: str,
    deadline: float | None,
    *,
    slots: int,
    threads: int | None,
) -> list[PartJob]:
    budgets = part_budgets([p.size for p in parts], settings.time_limit_s, slots)
    return [PartJob(p, b, deadline, threads, strategy) for p, b in zip(parts, budgets, strict=True)]


def _in_process(
    job: PartJob, progress: ProgressCallback | None, cancel: threading.Event | None
) -> PartOutcome:
    """Solve here; a part that raises is tried once more."""
    for attempt in (1, 2):
        try:
            return solve_part(job, progress, cancel)
        except Exception as exc:
            if attempt == 2:
                return PartFailed(job.part.community, job.part.index, _failure_text(exc))
            log.warning("%s failed (%s); trying it again", _label(job.part), exc)
    raise AssertionError("unreachable")


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A Dask client: to the cluster at `scheduler`, or to a local cluster of `workers`
    single-threaded processes that lives as long as the run."""
    from distributed import Client, LocalCluster

    # Dask logs every connection at INFO; the run logs its parts itself.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler is not None:
        try:
            client = Client(scheduler)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ClusterUnreachable(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}"
            ) from None
        with client:
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,  # workers' lines are not the run's log format
            scheduler_kwargs={"allowed_failures": ALLOWED_FAILURES},
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def _on_cluster(
    client: Any, jobs: list[PartJob], slots: int, cancel: threading.Event | None = None
) -> list[PartOutcome]:
    """Keep `slots` parts on the cluster, biggest first, and submit the next as one
    finishes. Dask would otherwise queue several parts on one worker, and a worker that
    dies would count against every part queued there, not only the one it was running."""
    from distributed import as_completed

    token = uuid.uuid4().hex[:8]
    waiting = deque(sorted(range(len(jobs)), key=lambda i: -jobs[i].seconds))
    which: dict[str, int] = {}
    running = as_completed()  # type: ignore[no-untyped-call]

    def submit_next() -> None:
        i = waiting.popleft()
        future = client.submit(
            solve_part, jobs[i], key=part_key(token, jobs[i].part), retries=1, pure=False
        )
        which[future.key] = i
        running.add(future)  # type: ignore[no-untyped-call]

    for _ in range(min(max(1, slots), len(waiting))):
        submit_next()
    outcomes: dict[int, PartOutcome] = {}
    while not running.is_empty():  # type: ignore[no-untyped-call]
        if cancel is not None and cancel.is_set():
            client.cancel(list(running.futures))
            break
        if not running.has_ready():  # type: ignore[no-untyped-call]
            time.sleep(CANCEL_POLL_SECONDS)
            continue
        future = next(running)
        i = which[future.key]
        outcomes[i] = _outcome(jobs[i].part, future)
        if waiting:
            submit_next()
    return [
        outcomes.get(i) or PartFailed(jobs[i].part.community, jobs[i].part.index, "interrupted")
        for i in range(len(jobs))
    ]


def _outcome(part: Part, future: Any) -> PartOutcome:
    if future.status == "finished":
        done: PartOutcome = future.result()
        if isinstance(done, PartFailed):
            log.error("%s not planned: %s", _label(part), done.errors)
            return done
        s = done.solution.summary
        log.info("%s: %s, weight %d of bound %d, %.1f s on %s", _label(part), s.status,
                 s.served_weight, s.upper_bound, done.seconds, done.worker)  # fmt: skip
        return done
    failed = PartFailed(part.community, part.index, _failure_text(future.exception()))
    log.error("%s not planned: %s", _label(part), failed.message)
    return failed


def part_key(token: str, part: Part) -> str:
    """The Dask key of a part: the run's token, the community and the part's number."""
    return f"matcher-part-{token}-{community_label(part.community)}-{part.index}"


def _label(part: Part) -> str:
    return f"community {community_label(part.community)} part {part.index + 1}"


def _failure_text(exc: BaseException | None) -> str:
    if type(exc).__name__ == "KilledWorker":
        return "failed twice: the worker running it died each time"
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"failed twice: {type(exc).__name__}: {first}"[:300]
