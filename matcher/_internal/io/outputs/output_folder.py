"""Output folders: matcher replaces only what it wrote, whole or not at all.

A coordinator's folder is theirs. matcher writes into a new folder, an empty one, or one it
wrote before, which says so in a manifest (`.matcher-output.json`) listing the entries it
wrote; everything else in the folder is left alone, and a folder that holds an input file is
never an output folder.

A run writes its outputs into a hidden staging folder *inside* the target (so a mount point,
such as a Docker volume, works: the target itself is never renamed), marks it complete with
the new manifest, then swaps the entries by renames: the old ones aside into
`.matcher-previous/`, the new ones in, the manifest last (the commit point). A run killed in
the middle is finished by the next one (or by `recover`), and a staging folder that never got
its manifest is thrown away. A file lock (`.matcher.lock`, via `filelock`) makes runs on one
folder take turns, so no run ever clears another's staging folder.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from filelock import FileLock, Timeout

from matcher._internal import interrupts

MANIFEST = ".matcher-output.json"
"""Marks a matcher output folder and lists the entries matcher wrote there."""
LOCK = ".matcher.lock"
STAGING = ".matcher-partial-"
PREVIOUS = ".matcher-previous"
PROBE = ".matcher-probe-"
OWN_NAMES = frozenset({MANIFEST, LOCK, PREVIOUS})
"""Names of matcher's own bookkeeping in an output folder (and those starting with STAGING
or PROBE: a run's staging folder, another run's test of the file system)."""

SOLVE_OUTPUTS = frozenset(
    {"assignments.csv", "unassigned.csv", "summary.json", "communities.csv", "itineraries",
     "sheets"}
)  # fmt: skip
"""What `matcher solve` wrote before folders had a manifest: a folder of only these, with
`summary.json`, is recognised as matcher's own."""

MIN_FREE_BYTES = 1024 * 1024
"""Below this much free space an output folder is refused before solving: a day's sheets and
calendars take megabytes, so a disk this full is full. (A disk that fills while writing is
caught there, and nothing is replaced.)"""

WAIT_SECONDS = 600.0
"""How long a library write waits for another run writing the same folder."""


REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file grew past the size allowed",
}
"""Plain words for the ways a write fails."""


class OutputPlaceError(ValueError):
    """The output folder is refused before any work is done (command line: exit 2)."""


class OutputBusy(OutputPlaceError):
    """Another matcher run is writing the same output folder."""


class OutputWriteError(OSError):
    """Writing the outputs failed (disk full, read-only, removed...): nothing was replaced."""


def check_output_place(target: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse, before a long solve, a folder matcher may not or cannot write: a file, a
    folder below a file, a folder holding an input, a non-empty folder matcher did not
    write, a read-only or special file system, a disk with almost no space left."""
    existing = _check_place(Path(target).absolute(), inputs)
    _refuse_foreign(Path(target).absolute())
    _probe(existing, Path(target).absolute())


def _check_place(target: Path, inputs: Iterable[str | Path]) -> Path:
    """The checks that need no lock; returns the nearest existing folder."""
    if target.exists() and not target.is_dir():
        raise OutputPlaceError(f"{target} is a file, not a folder; it was left as it is")
    existing = target
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OutputPlaceError(f"{target} cannot be created: {existing} is a file")
    resolved = target.resolve()
    for path in inputs:
        source = Path(path).resolve()
        if source == resolved or resolved in source.parents:
            elsewhere = target / "plan" if source.parent != resolved else target.parent / "plan"
            raise OutputPlaceError(
                f"{target} holds the input {path}: an output folder never holds inputs, so "
                f"nothing you own is replaced. Give another --out, e.g. {elsewhere}"
            )
    return existing


def _refuse_foreign(target: Path) -> None:
    """Only a new, empty or matcher-written folder is an output folder (read under the
    folder's lock where a run may be writing it, or a half-done swap looks foreign)."""
    if not target.is_dir():
        return
    foreign = foreign_entries(target)
    if foreign:
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        shown = ", ".join(foreign[:5]) + more
        raise OutputPlaceError(
            f"{target} holds files matcher did not write ({shown}); matcher writes only "
            f"into a new folder, an empty one, or one it wrote before, and never removes "
            f"what it did not write. Give another --out, e.g. {target / 'plan'}"
        )


def foreign_entries(folder: Path) -> list[str]:
    """What a folder holds that matcher did not write, unless it is a matcher output folder
    (then whatever else it holds stays and is not matcher's business). Folders get a `/`."""
    if written_by_matcher(folder) is not None:
        return []
    names = sorted(p.name for p in folder.iterdir() if not _own(p.name))
    return [n + "/" if (folder / n).is_dir() else n for n in names]


def written_by_matcher(folder: Path) -> list[str] | None:
    """The entries matcher wrote in `folder` by its manifest (or, for a folder written before
    manifests, by its recognisable files), or None when matcher did not write it."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return [e for e in entries if isinstance(e, str) and _plain_name(e)]
    names = {p.name for p in folder.iterdir() if not _own(p.name)}
    if "summary.json" in names and names <= SOLVE_OUTPUTS:
        return sorted(names)
    return None


def _own(name: str) -> bool:
    return name in OWN_NAMES or name.startswith((STAGING, PROBE))


def _plain_name(name: str) -> bool:
    """A manifest names entries of its own folder only: nothing may climb out of it."""
    return name not in ("", ".", "..") and "/" not in name and "\\" not in name


def _probe(existing: Path, target: Path) -> None:
    """Try the file system for real: permission bits say nothing of read-only mounts,
    `/proc` or a full disk."""
    probe = existing / f"{PROBE}{uuid.uuid4().hex[:12]}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        raise OutputPlaceError(f"{target} cannot be written: {_reason(exc)} ({existing})") from exc
    free = shutil.disk_usage(existing).free
    if free < MIN_FREE_BYTES:
        raise OutputPlaceError(
            f"{target} cannot be written: the disk holding {existing} is full "
            f"({free // 1024} KB free)"
        )


def _reason(exc: OSError) -> str:
    return REASONS.get(exc.errno or 0, exc.strerror or str(exc))


@contextmanager
def claim_output(
    target: str | Path, inputs: Iterable[str | Path] = (), *, wait: float = 0.0
) -> Iterator[Path]:
    """Check `target`, create it if missing, and hold its lock for the block: a second run
    on the same folder waits up to `wait` seconds, then is refused with `OutputBusy`. A
    folder created here and left empty (the run wrote nothing) is removed again."""
    target = Path(target).absolute()
    _probe(_check_place(target, inputs), target)
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPlaceError(f"{target} cannot be created: {_reason(exc)}") from exc
    lock = FileLock(target / LOCK, is_singleton=True)
    new_lock = not (target / LOCK).exists()
    try:
        lock.acquire(timeout=wait)
    except Timeout as exc:
        raise OutputBusy(
            f"another matcher run is writing {target}; wait for it to finish or give another --out"
        ) from exc
    try:
        recover(target)
        _refuse_foreign(target)
    except BaseException:
        _release(lock, target, created)
        if new_lock and lock.lock_counter == 0:  # leave a refused folder as it was
            (target / LOCK).unlink(missing_ok=True)
        raise
    try:
        yield target
    finally:
        _release(lock, target, created)


def _release(lock: FileLock, target: Path, created: bool) -> None:
    lock.release()
    if created and lock.lock_counter == 0 and _only_lock(target):
        (target / LOCK).unlink(missing_ok=True)
        target.rmdir()


def _only_lock(folder: Path) -> bool:
    try:
        return [p.name for p in folder.iterdir()] == [LOCK]
    except OSError:
        return False


def write_folder_atomically(
    target: str | Path, write: Callable[[Path], None], inputs: Iterable[str | Path] = ()
) -> Path:
    """Call `write(folder)` to fill a fresh staging folder, then swap its entries into
    `target`, replacing only what matcher wrote there before. Raises `OutputPlaceError`
    (refused, nothing done) or `OutputWriteError` (writing failed, nothing replaced).
    Folders get the user's umask, so a web server or a coordinator can read them."""
    with claim_output(target, inputs, wait=WAIT_SECONDS) as folder:
        staging = folder / f"{STAGING}{uuid.uuid4().hex[:12]}"
        try:
            with interrupts.prompt():  # asked to stop: the staging folder goes, nothing else
                staging.mkdir()
                write(staging)
                _refuse_collisions(folder, staging)
                _write_manifest(staging, sorted(p.name for p in staging.iterdir()))
                _fsync_tree(staging)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, OutputWriteError):
                raise OutputWriteError(
                    exc.errno or 0,
                    f"{folder} was not written: {_reason(exc)}"
                    + (f" ({exc.filename})" if exc.filename else "")
                    + "; what it held before is unchanged",
                ) from exc
            raise
        with interrupts.swapping():  # a swap is never cut in half by a signal
            _swap_in(folder, staging)
        return folder


def _refuse_collisions(folder: Path, staging: Path) -> None:
    """Never replace a file of the user's that happens to bear an output's name."""
    ours = set(written_by_matcher(folder) or [])
    clash = sorted(p.name for p in staging.iterdir() if (folder / p.name).exists() and
                   p.name not in ours)  # fmt: skip
    if clash:
        raise OutputWriteError(
            errno.EEXIST,
            f"{folder} was not written: it holds {', '.join(clash)}, which matcher did not "
            "write; move it away or give another --out",
        )


def _write_manifest(folder: Path, entries: list[str]) -> None:
    try:
        release = version("matcher")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        release = "unknown"
    manifest = {
        "written_by": f"matcher {release}",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "entries": entries,
        "note": "matcher replaces only these entries when it writes this folder again",
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _swap_in(folder: Path, staging: Path) -> None:
    """Old entries aside, new entries in, the manifest last: each step is a rename, and a
    run killed between two of them is finished by `recover`. The journal (the old entries,
    in `.matcher-previous/`) is written before anything moves."""
    previous = folder / PREVIOUS
    if not (previous / MANIFEST).is_file():
        shutil.rmtree(previous, ignore_errors=True)
        previous.mkdir()
        _write_manifest(previous, written_by_matcher(folder) or [])
        _fsync_tree(previous)
    _roll_forward(folder, staging)


def _roll_forward(folder: Path, staging: Path) -> None:
    previous = folder / PREVIOUS
    old = set(written_by_matcher(previous) or [])
    new = set(written_by_matcher(staging) or [])
    for name in sorted(old - new):
        if (folder / name).exists():
            _remove(previous / name)
            os.rename(folder / name, previous / name)
    for name in sorted(new):
        if not (staging / name).exists():
            continue  # moved in before the run was killed
        if (folder / name).exists():
            _remove(previous / name)
            os.rename(folder / name, previous / name)
        os.rename(staging / name, folder / name)
    os.replace(staging / MANIFEST, folder / MANIFEST)  # the commit point
    _fsync_dir(folder)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def recover(target: str | Path) -> None:
    """Finish a swap that a killed run left half done, and clear the staging folders of
    runs killed while writing. Call with the folder's lock held."""
    folder = Path(target)
    if not folder.is_dir():
        return
    complete = [s for s in folder.glob(f"{STAGING}*") if (s / MANIFEST).is_file()]
    if complete:
        _swap_in(folder, complete[0])  # written in full before the run was killed
    shutil.rmtree(folder / PREVIOUS, ignore_errors=True)  # a swap that had committed
    for stale in folder.glob(f"{STAGING}*"):
        shutil.rmtree(stale, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
