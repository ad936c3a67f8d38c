"""Real databases for tests: a SQLite file always, PostgreSQL where `.ci/run` starts one.

PostgreSQL runs when MATCHER_TEST_POSTGRES_URL is set; under CI a missing URL is a failure,
not a skip. Each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
KINDS = ["sqlite", "postgresql"]


def postgres_url() -> str | None:
    url = os.environ.get("MATCHER_TEST_POSTGRES_URL")
    if url is None and os.environ.get("CI"):
        pytest.fail("CI must provide MATCHER_TEST_POSTGRES_URL (see .ci/run)")
    return url


def with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database of `kind`, as a URL; skipped when PostgreSQL is not configured."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'community.db'}"
        return
    base = postgres_url()
    if base is None:
        pytest.skip("no PostgreSQL server configured (set MATCHER_TEST_POSTGRES_URL)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield with_schema(base, schema)
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def sample_table(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False)


def fill(url: str, volunteers: pd.DataFrame | None = None,
         requests: pd.DataFrame | None = None) -> None:  # fmt: skip
    """Write the input tables (the sample community unless others are given)."""
    engine = sa.create_engine(url)
    vols = volunteers if volunteers is not None else sample_table("volunteers")
    reqs = requests if requests is not None else sample_table("requests")
    vols.to_sql("volunteers", engine, index=False, if_exists="replace")
    reqs.to_sql("requests", engine, index=False, if_exists="replace")
    engine.dispose()
