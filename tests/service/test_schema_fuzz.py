"""schemathesis against the running server: every operation of the OpenAPI schema, with
generated valid and invalid inputs, and never a server error (5xx)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import KEY, Server

pytestmark = pytest.mark.slow


def test_no_input_makes_a_server_error(planned_server: Server, tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [str(schemathesis), "run", f"{planned_server.url}/openapi.json",
         "--header", f"Authorization: Bearer {KEY}", "--checks", "not_a_server_error",
         "--max-examples", "25", "--seed", "1", "--no-color"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + planned_server.log.read_text()[-3000:]
    assert "passed" in result.stdout
