"""Start the API under uvicorn: the key from the environment, the database checked first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from matcher._internal.io.store.database import engine_for
from matcher._internal.model import Settings


class ApiKeyMissing(ValueError):
    """Neither MATCHER_API_KEY nor a readable MATCHER_API_KEY_FILE was given."""


def api_key_from_environment() -> str:
    """The bearer key: MATCHER_API_KEY, else the first line of MATCHER_API_KEY_FILE (for
    secrets mounted as files). It is never logged."""
    key = os.environ.get("MATCHER_API_KEY", "").strip()
    path = os.environ.get("MATCHER_API_KEY_FILE", "").strip()
    if not key and path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip().splitlines()[0].strip()
        except (OSError, IndexError):
            raise ApiKeyMissing(
                f"cannot read an API key from MATCHER_API_KEY_FILE={path}"
            ) from None
    if len(key) < 16:
        raise ApiKeyMissing(
            "set MATCHER_API_KEY (or MATCHER_API_KEY_FILE) to a key of at least 16 characters"
        )
    return key


def _sqlite_for_a_server(connection: Any, _: Any) -> None:
    """Write-ahead logging, so readers never wait for a writer, and a writer waits (up to
    30 s) for another instead of failing: many requests share one SQLite file."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def run_server(
    url: str, *, host: str, port: int, settings: Settings, community: str | None = None
) -> None:
    import uvicorn

    from matcher._internal.service.app import create_app

    key = api_key_from_environment()
    engine = engine_for(url, create=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_for_a_server)
        engine.dispose()  # the connection that checked the database predates the listener
    app = create_app(engine, key, settings, community)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True)
