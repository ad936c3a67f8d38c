"""Replace an output folder only when the new one is complete.

A nightly job must never leave a coordinator with half a plan. The new folder is written
beside the target under a hidden name, then swapped in by two renames; the previous folder
is kept as `.<name>.previous` until the swap is done. Should a run die between the two
renames, the next run (or `recover`) puts the previous folder back first.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path


class OutputPlaceError(ValueError):
    """The output folder cannot be written: checked before any work is done."""


def check_output_place(target: str | Path) -> None:
    """Refuse, before a long solve, an output folder that is an existing file, lies below a
    file, or whose nearest existing parent is not writable. Nothing is created or moved."""
    target = Path(target).absolute()
    if target.exists() and not target.is_dir():
        raise OutputPlaceError(f"{target} is a file, not a folder; it was left as it is")
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutputPlaceError(f"{target} cannot be created: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPlaceError(f"{target} cannot be written: {parent} is not writable")


def _backup_of(target: Path) -> Path:
    return target.parent / f".{target.name}.previous"


def recover(target: Path) -> None:
    """Undo a swap that was interrupted after the old folder moved aside, and clear the
    half-written folders of runs that were killed while writing."""
    backup = _backup_of(target)
    if backup.exists() and not target.exists():
        os.rename(backup, target)
    for stale in target.parent.glob(f".{target.name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)


def write_folder_atomically(target: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` to fill a fresh folder, then swap it into `target`. Folders get
    the user's umask (a plain mkdir), so a web server or a coordinator can read them."""
    check_output_place(target)
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    staging = target.parent / f".{target.name}.partial-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    try:
        write(staging)
        _fsync_tree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup = _backup_of(target)
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        os.rename(target, backup)
    os.rename(staging, target)
    shutil.rmtree(backup, ignore_errors=True)
    return target


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
