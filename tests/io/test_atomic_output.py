"""Output folders are replaced whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher._internal.io.atomic import recover, write_folder_atomically


def _write(text: str):  # type: ignore[no-untyped-def]
    def fill(folder: Path) -> None:
        (folder / "a.txt").write_text(text)

    return fill


def test_failure_while_writing_keeps_the_previous_folder(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_folder_atomically(target, _write("first"))

    def broken(folder: Path) -> None:
        (folder / "a.txt").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_folder_atomically(target, broken)
    assert (target / "a.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_interrupted_swap_is_recovered_and_stale_partials_cleared(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_folder_atomically(target, _write("first"))
    # Simulate a run killed between its two renames, and one killed while writing.
    os.rename(target, tmp_path / ".out.previous")
    (tmp_path / ".out.partial-abc").mkdir()
    recover(target)
    assert (target / "a.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    write_folder_atomically(target, _write("second"))
    assert (target / "a.txt").read_text() == "second"
