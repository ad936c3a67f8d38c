"""Output folders: matcher replaces only what it wrote, whole or not at all, and never
touches a file it did not write (io/outputs/output_folder.py)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher._internal.io.outputs import output_folder
from matcher._internal.io.outputs.output_folder import (
    MANIFEST,
    OutputBusy,
    OutputPlaceError,
    OutputWriteError,
    check_output_place,
    claim_output,
    recover,
    write_folder_atomically,
)


def _files(contents: dict[str, str]) -> Callable[[Path], None]:
    """A writer of top-level files (a name ending in / is a folder with one file)."""

    def fill(folder: Path) -> None:
        for name, text in contents.items():
            if name.endswith("/"):
                (folder / name).mkdir()
                (folder / name / "inside.txt").write_text(text)
            else:
                (folder / name).write_text(text)

    return fill


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` but matcher's bookkeeping, with its text."""
    return {
        str(p.relative_to(folder)): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (MANIFEST, output_folder.LOCK)
    }


def test_failure_while_writing_keeps_the_previous_folder(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_folder_atomically(target, _files({"a.txt": "first"}))

    def broken(folder: Path) -> None:
        (folder / "a.txt").write_text("half")
        raise OSError(28, "No space left on device", str(folder / "a.txt"))

    with pytest.raises(OutputWriteError, match=r"disk is full.*unchanged"):
        write_folder_atomically(target, broken)
    assert _tree(target) == {"a.txt": "first"}
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, output_folder.LOCK, "a.txt"]


def test_a_folder_of_files_matcher_did_not_write_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "docs").mkdir()
    with pytest.raises(OutputPlaceError, match=r"did not write \(docs/, notes.txt\).*another"):
        write_folder_atomically(tmp_path, _files({"a.txt": "x"}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "notes.txt"]


def test_a_folder_holding_an_input_is_refused_even_when_matcher_wrote_it(tmp_path: Path) -> None:
    write_folder_atomically(tmp_path / "out", _files({"a.txt": "x"}))
    (tmp_path / "out" / "volunteers.csv").write_text("id\n")
    with pytest.raises(OutputPlaceError, match="holds the input"):
        check_output_place(tmp_path / "out", [tmp_path / "out" / "volunteers.csv"])
    with pytest.raises(OutputPlaceError, match="holds the input"):
        check_output_place(tmp_path, [tmp_path / "out" / "volunteers.csv"])


def test_only_what_matcher_wrote_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_folder_atomically(target, _files({"a.txt": "1", "old.csv": "1", "sheets/": "1"}))
    (target / "notes.txt").write_text("the coordinator's")
    (target / "sheets" / "mine.html").write_text("added by hand")
    write_folder_atomically(target, _files({"a.txt": "2", "sheets/": "2"}))
    assert _tree(target) == {"a.txt": "2", "notes.txt": "the coordinator's",
                             "sheets/inside.txt": "2"}  # fmt: skip
    manifest = json.loads((target / MANIFEST).read_text())
    assert manifest["entries"] == ["a.txt", "sheets"]
    assert manifest["written_by"].startswith("matcher ")


def test_a_file_of_the_users_with_an_outputs_name_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_folder_atomically(target, _files({"a.txt": "1"}))
    (target / "b.txt").write_text("the user's b")
    with pytest.raises(OutputWriteError, match=r"b\.txt, which matcher did not write"):
        write_folder_atomically(target, _files({"a.txt": "2", "b.txt": "matcher's b"}))
    assert _tree(target) == {"a.txt": "1", "b.txt": "the user's b"}


def test_a_folder_written_before_manifests_is_recognised(tmp_path: Path) -> None:
    legacy = tmp_path / "plan"
    legacy.mkdir()
    for name in ("assignments.csv", "unassigned.csv", "summary.json"):
        (legacy / name).write_text("old")
    (legacy / "itineraries").mkdir()
    write_folder_atomically(legacy, _files({"assignments.csv": "new", "summary.json": "new"}))
    assert _tree(legacy) == {"assignments.csv": "new", "summary.json": "new"}
    # A folder of the same files plus one of the user's is not recognisably matcher's.
    (tmp_path / "other").mkdir()
    for name in ("summary.json", "budget.xlsx"):
        (tmp_path / "other" / name).write_text("theirs")
    with pytest.raises(OutputPlaceError, match=r"budget\.xlsx"):
        check_output_place(tmp_path / "other")


def test_refused_places(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputPlaceError, match="is a file"):
        check_output_place(tmp_path / "file")
    with pytest.raises(OutputPlaceError, match="is a file"):
        check_output_place(tmp_path / "file" / "below")
    with pytest.raises(OutputPlaceError, match="cannot be written"):
        check_output_place("/proc/matcher-out")


def test_a_folder_created_for_a_run_that_wrote_nothing_is_removed(tmp_path: Path) -> None:
    with claim_output(tmp_path / "new" / "out"):
        assert (tmp_path / "new" / "out").is_dir()
    assert not (tmp_path / "new" / "out").exists()


def test_a_second_run_on_a_claimed_folder_is_refused_and_library_writes_take_turns(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from matcher._internal.io.outputs.output_folder import claim_output\n"
         "with claim_output(sys.argv[1]):\n print('held', flush=True); "
         "time.sleep(30)", str(target)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(OutputBusy, match="another matcher run is writing"),
            claim_output(target),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            write_folder_atomically(target, _files({"a.txt": str(n), f"only{n}.txt": "x"}))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tree = _tree(target)
    (last,) = [name for name in tree if name.startswith("only")]
    assert tree == {"a.txt": last[4:-4], last: "x"}  # one whole run's outputs, nothing mixed
    assert not [p for p in target.iterdir() if p.name.startswith(output_folder.STAGING)]


class Killed(BaseException):
    """Stands for a SIGKILL between two renames of a swap."""


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    old=st.sets(st.sampled_from(["a.txt", "b.txt", "c/", "d/"]), min_size=1),
    new=st.sets(st.sampled_from(["a.txt", "b.txt", "c/", "e.txt"]), min_size=1),
    crash_at=st.integers(min_value=0, max_value=12),
)
def test_a_swap_killed_at_any_rename_is_finished_by_the_next_run(
    tmp_path_factory: pytest.TempPathFactory, old: set[str], new: set[str], crash_at: int
) -> None:
    """Whatever rename a run dies at, `recover` leaves the folder holding either the old
    outputs or the new ones, whole, and the user's own file untouched."""
    target = tmp_path_factory.mktemp("swap") / "out"
    write_folder_atomically(target, _files(dict.fromkeys(old, "old")))
    (target / "mine.txt").write_text("the user's")
    calls = {"n": 0}
    real_rename, real_replace = os.rename, os.replace

    def dying(real: Callable[[str | Path, str | Path], None]) -> Callable[..., None]:
        def step(src: str | Path, dst: str | Path) -> None:
            calls["n"] += 1
            if calls["n"] > crash_at:
                raise Killed
            real(src, dst)

        return step

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output_folder.os, "rename", dying(real_rename))
        patch.setattr(output_folder.os, "replace", dying(real_replace))
        with contextlib.suppress(Killed):
            write_folder_atomically(target, _files(dict.fromkeys(new, "new")))
    recover(target)
    tree = _tree(target)
    assert tree.pop("mine.txt") == "the user's"
    expect_old = {n.rstrip("/") + ("/inside.txt" if n.endswith("/") else ""): "old" for n in old}
    expect_new = {n.rstrip("/") + ("/inside.txt" if n.endswith("/") else ""): "new" for n in new}
    assert tree in (expect_old, expect_new)
    leftovers = [
        p.name
        for p in target.iterdir()
        if p.name.startswith((output_folder.STAGING, ".matcher-previous"))
    ]
    assert leftovers == []
    write_folder_atomically(target, _files({"a.txt": "again"}))
    assert _tree(target) == {"a.txt": "again", "mine.txt": "the user's"}
