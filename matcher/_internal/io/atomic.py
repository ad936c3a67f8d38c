"""Replace an output folder only when the new one is complete.

A nightly job must never leave a coordinator with half a plan. The new folder is written
beside the target under a hidden name, then swapped in by two renames; the previous folder
is kept as `.<name>.previous` until the swap is done. Should a run die between the two
renames, the next run (or `recover`) puts the previous folder back first.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


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
    """Call `write(tmp)` to fill a fresh folder, then swap it into `target`."""
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
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
