"""The parsed dbt project, kept between publishes so that a night does not parse it again.

Parsing ``warehouse/`` (every model rendered, every schema YAML read) is the larger part of
dbt's fixed cost: a few seconds of every publish, whatever the size of the city. dbt's own
partial parsing cannot keep it across nights: it parses everything again when ``--vars`` change
(the night published is a var) or the profile does (each build has its own database path). The
parsed manifest depends on neither: ``as_of()`` reads the var when a node is compiled, not when
it is parsed, and the databases are always named ``warehouse`` and ``analytics``.

So a manifest is parsed once per version of the project and kept, in memory for the process and
as msgpack (dbt's own format for its partial-parse file) under the data root, named by a key of
the project's checksum, where it lies and the versions of dbt-core and dbt-duckdb. A file that
cannot be read (another dbt, a torn write) is parsed again and replaced. It holds the project
only: names, SQL and descriptions, no data.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
from pathlib import Path
from typing import Any

from kernel.atomic import PRIVATE_DIR, write_bytes

log = logging.getLogger(__name__)

_IN_MEMORY: dict[str, Any] = {}  # key → Manifest, for the rest of this process


def cache_key(checksum: str, project: Path) -> str:
    """The manifest's name: the project's content and place, and the dbt that parsed it."""
    versions = [importlib.metadata.version(p) for p in ("dbt-core", "dbt-duckdb")]
    material = "\0".join([checksum, str(project.resolve()), *versions])
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def load(key: str, folder: Path | None) -> Any | None:
    """The manifest kept under ``key`` (this process's, else the file's), or None."""
    if key in _IN_MEMORY:
        return _IN_MEMORY[key]
    path = _path(folder, key)
    if path is None or not path.exists():
        return None
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    try:
        manifest = Manifest.from_msgpack(path.read_bytes(), decoder=extended_mashumuro_decoder)
    except Exception as exc:  # any unreadable file is only a cache miss: parse again
        log.info("dbt manifest %s unreadable, parsing the project again: %s", path.name, exc)
        return None
    _IN_MEMORY[key] = manifest
    return manifest


def keep(key: str, manifest: Any, folder: Path | None) -> None:
    """Keep a freshly parsed manifest for this process and, given a folder, for later ones
    (replacing the manifests of other project versions there)."""
    _IN_MEMORY[key] = manifest
    path = _path(folder, key)
    if path is None:
        return
    from dbt.parser.manifest import extended_mashumaro_encoder

    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    write_bytes(path, manifest.to_msgpack(extended_mashumaro_encoder))
    for other in path.parent.glob("manifest-*.msgpack"):
        if other != path:
            other.unlink(missing_ok=True)


def _path(folder: Path | None, key: str) -> Path | None:
    return None if folder is None else folder / f"manifest-{key}.msgpack"
