"""Writes that land whole or not at all.

Every file and folder is built under a temporary sibling and renamed into place, so a crash
leaves the previous version readable and a rerun replaces instead of adding. Whatever lands is
owner-only (files 0600, folders 0700) whatever the umask: health data is personal data.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyarrow is imported by the writer only: readers of files start faster
    import pyarrow as pa

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700


def tmp_sibling(path: Path) -> Path:
    """A fresh hidden name beside ``path`` (same folder: the rename stays on one file system)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_sibling(path)
    try:
        yield tmp
        if tmp.exists():
            tmp.chmod(PRIVATE_DIR if tmp.is_dir() else PRIVATE_FILE)
        os.replace(tmp, path)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def write_parquet(table: pa.Table, path: Path) -> Path:
    """Write one Parquet file atomically (temporary file, then rename)."""
    import pyarrow.parquet as pq

    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def write_text(path: Path, text: str) -> Path:
    """Write one UTF-8 text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def move_into_place(built: Path, final: Path) -> Path:
    """Rename a file built elsewhere on the same file system (a database built in a scratch
    folder) over ``final``, owner-only: readers see the old file or the new one, never a part."""
    final.parent.mkdir(parents=True, exist_ok=True)
    built.chmod(PRIVATE_FILE)
    os.replace(built, final)
    return final


def write_bytes(path: Path, data: bytes) -> Path:
    """Write one binary file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def replace_dir(final: Path, build: Path) -> None:
    """Swap a fully built folder ``build`` into place at ``final``, replacing what was there."""
    final.parent.mkdir(parents=True, exist_ok=True)
    for folder, _, files in os.walk(build):
        os.chmod(folder, PRIVATE_DIR)
        for name in files:
            os.chmod(os.path.join(folder, name), PRIVATE_FILE)
    old = tmp_sibling(final)
    if final.exists():
        os.replace(final, old)
    os.replace(build, final)
    shutil.rmtree(old, ignore_errors=True)
