"""One run at a time per data directory.

Nights build on each other (persistent resident ids), so two runs writing one data directory
would corrupt the index. The lock is an ``flock`` on a file in the data directory: the kernel
releases it when the holder exits or dies, so a lock left by a killed run is stale by
construction; the file also records who holds it (pid, host, command, start), for the message a
refused run prints and for the note a run taking over a stale lock logs.

Every stage takes it ``exclusive``. The one step that may run many times side by side is the
extract of one institution's deliveries (an Airflow mapped task each): each writes only its own
staging folder, so they take it ``shared`` — together with each other, never with a stage.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)
_held: dict[Path, list[int]] = {}  # lock file → [depth, mode]: re-taken inside (a stage in a run)
SHARED_HOLDER = {"command": "extract tasks of one night (shared)"}


class RunLocked(RuntimeError):
    """Another run holds this data directory."""


def _holder(text: str) -> dict:
    try:
        found = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def _describe(holder: dict) -> str:
    if not holder:
        return "another process"
    if not holder.get("pid"):
        return f"{holder.get('command')} on {holder.get('host')}"
    return (
        f"pid {holder.get('pid')} on {holder.get('host')} ({holder.get('command')}), "
        f"started {holder.get('started_at')}"
    )


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Hold the run lock ``lock_file`` for the block, or raise RunLocked at once naming the
    run that holds it."""
    with _locked(Path(lock_file).resolve(), fcntl.LOCK_EX) as fd:
        if fd < 0:  # re-entered: the outer hold is the lock
            yield
            return
        stale = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        if stale.get("pid"):  # shared holders leave no pid: they end without a clean-up
            log.warning("taking over a stale run lock left by %s (no longer running)",
                        _describe(stale))  # fmt: skip
        _write_holder(fd, _me())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # a clean exit leaves no holder behind


@contextmanager
def shared(lock_file: Path) -> Iterator[None]:
    """Hold the run lock ``lock_file`` shared for the block: with other shared holders, never
    while a run holds it exclusive (RunLocked at once, naming it). Taken inside an exclusive
    hold of this process, it is that hold."""
    with _locked(Path(lock_file).resolve(), fcntl.LOCK_SH) as fd:
        _write_holder(fd, {**SHARED_HOLDER, "host": socket.gethostname()})
        yield


@contextmanager
def _locked(lock_file: Path, mode: int) -> Iterator[int]:
    """The open lock file, flocked in ``mode``; re-entrant within this process."""
    if lock_file in _held:  # already ours: a stage inside a run of this process
        if mode == fcntl.LOCK_EX and _held[lock_file][1] != fcntl.LOCK_EX:
            raise RuntimeError(f"{lock_file}: held shared by this process, not exclusive")
        _held[lock_file][0] += 1
        try:
            yield -1
        finally:
            _held[lock_file][0] -= 1
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
            raise RunLocked(
                f"{lock_file.parent} is in use by {_describe(holder)}; wait for it to finish "
                "(only one run may write a data directory at a time)"
            ) from None
        _held[lock_file] = [1, mode]
        try:
            yield fd
        finally:
            del _held[lock_file]
    finally:
        os.close(fd)


def _me() -> dict:
    return {
        "pid": os.getpid(), "host": socket.gethostname(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip


def _write_holder(fd: int, holder: dict) -> None:
    if fd < 0:  # re-entered: the outer hold wrote it
        return
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)
