"""A real `matcher serve` (uvicorn) on 127.0.0.1 over a real database with a planned day."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from databases import KINDS, fill, fresh_database
from typer.testing import CliRunner

from matcher.cli import app

KEY = "test-key-0123456789abcdef"
PLAN_DATE = "2026-12-01"


@dataclass
class Server:
    url: str
    database: str
    log: Path
    process: subprocess.Popen[bytes]

    def client(self, key: str | None = KEY) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(database: str, folder: Path, *options: str, **env: str) -> Iterator[Server]:
    """`matcher serve` in its own process, as an operator starts it; stopped afterwards."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    environment = {**os.environ, "MATCHER_API_KEY": KEY, **env}
    command = [sys.executable, "-c", "from matcher.cli import main; main()", "serve",
               "--db", database, "--port", str(port), *options]  # fmt: skip
    with open(log, "w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   env=environment)  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", database, log, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield server
    finally:  # a test may have killed it already
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def plan_day(database: str, *options: str) -> None:
    """The nightly job's plan of the sample day, as the service finds it in the morning."""
    result = CliRunner().invoke(app, ["solve", "--db", database, "--plan-date", PLAN_DATE,
                                      "--strategy", "greedy", *options])  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.fixture(params=KINDS)
def planned_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """A server over the sample community with its day planned, on SQLite and PostgreSQL."""
    with fresh_database(request.param, tmp_path) as database:
        fill(database)
        plan_day(database)
        with running_server(database, tmp_path) as server:
            yield server
