"""One run at a time per data directory.

Nights build on each other (persistent resident ids), so two runs writing one data directory
would corrupt the index. The lock is an ``flock`` on a file in the data directory: the kernel
releases it when the holder exits or dies, so a lock left by a killed run is stale by
construction; the file also records who holds it (pid, host, command, start), for the message a
refused run prints and for the note a run taking over a stale lock logs.
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
_held: dict[Path, int] = {}  # lock file → depth: the holder may take it again (a stage in a run)


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
    return (
        f"pid {holder.get('pid')} on {holder.get('host')} ({holder.get('command')}), "
        f"started {holder.get('started_at')}"
    )


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Hold the run lock ``lock_file`` for the block, or raise RunLocked at once naming the
    run that holds it."""
    lock_file = Path(lock_file).resolve()
    if lock_file in _held:  # already ours: a stage inside a run of this process
        _held[lock_file] += 1
        try:
            yield
        finally:
            _held[lock_file] -= 1
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
            raise RunLocked(
                f"{lock_file.parent} is in use by {_describe(holder)}; wait for it to finish "
                "(only one run may write a data directory at a time)"
            ) from None
        stale = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        if stale:
            log.warning("taking over a stale run lock left by %s (no longer running)",
                        _describe(stale))  # fmt: skip
        me = {
            "pid": os.getpid(), "host": socket.gethostname(),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }  # fmt: skip
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        _held[lock_file] = 1
        try:
            yield
        finally:
            del _held[lock_file]
            os.ftruncate(fd, 0)  # a clean exit leaves no holder behind
    finally:
        os.close(fd)
