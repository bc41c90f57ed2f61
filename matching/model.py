"""The pinned linkage model on disk: Splink settings plus our metadata, one JSON per version.

A file ``matching/models/v<N>.json`` is Splink's own saved model with one extra top-level key,
``healtharchive``: version, what it was trained on, and the clustering thresholds. The nightly
run never retrains: it loads the city's newest promoted model (``mpi/models/v<N>.json`` under
the data root, written by ``matching.promotion``) or, for a city that has none yet, the newest
shipped one — the documented prior, not the answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kernel.atomic import atomic_path
from kernel.layout import Layout

MODELS_DIR = Path(__file__).parent / "models"
META_KEY = "healtharchive"
_VERSION = re.compile(r"^v(\d+)\.json$")

# Precision first: a false merge mixes two people's medical records, worse than a split.
# Weights are posterior log2-odds after rescaling to tonight's population (see inference).
# On synthetic cities of 20 k and 100 k persons, 8 kept pairwise precision ≥ 0.9998.
DEFAULT_AUTO_MATCH_WEIGHT = 8.0  # match probability ≈ 0.996
DEFAULT_REVIEW_MATCH_WEIGHT = 4.0  # ≈ 0.94: between the two a reviewer decides


@dataclass(frozen=True)
class Thresholds:
    auto_match_weight: float = DEFAULT_AUTO_MATCH_WEIGHT
    review_match_weight: float = DEFAULT_REVIEW_MATCH_WEIGHT


@dataclass(frozen=True)
class Model:
    path: Path
    settings: dict[str, Any]
    version: int
    thresholds: Thresholds
    meta: dict[str, Any]


def version_of(path: Path) -> int:
    found = _VERSION.match(path.name)
    return int(found.group(1)) if found else 0


def newest_model_path(models_dir: Path = MODELS_DIR) -> Path:
    """The highest ``v<N>.json`` in ``models_dir``."""
    found = sorted(models_dir.glob("v*.json"), key=version_of)
    if not found:
        raise FileNotFoundError(f"no trained linkage model in {models_dir}")
    return found[-1]


def next_model_path(models_dir: Path, *others: Path) -> Path:
    """The next ``v<N>.json`` in ``models_dir``, numbered past every version in it and in
    ``others`` (a city's models continue the shipped numbering)."""
    existing = [version_of(p) for d in (models_dir, *others) for p in d.glob("v*.json")]
    return models_dir / f"v{max(existing, default=0) + 1}.json"


def pinned_model_path(data: Path) -> Path:
    """The model a city's nightly run scores with: its newest promoted one, else the shipped."""
    city_dir = Layout(data).models_dir
    if city_dir.is_dir() and any(city_dir.glob("v*.json")):
        return newest_model_path(city_dir)
    return newest_model_path()


def load_model(path: Path | None = None) -> Model:
    path = path or newest_model_path()
    settings = json.loads(path.read_text(encoding="utf-8"))
    meta = settings.pop(META_KEY, {})
    th = meta.get("thresholds", {})
    return Model(
        path=path,
        settings=settings,
        version=int(meta.get("version", version_of(path))),
        thresholds=Thresholds(**th),
        meta=meta,
    )


def save_model(settings: dict[str, Any], meta: dict[str, Any], out: Path) -> Path:
    """Write settings + metadata atomically; ``out`` is a file, or a folder for the next version."""
    path = out if out.suffix == ".json" else next_model_path(out)
    meta = {**meta, "version": version_of(path) or meta.get("version", 1)}
    meta.setdefault("thresholds", vars(Thresholds()))
    text = json.dumps({**settings, META_KEY: meta}, ensure_ascii=False, indent=2) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
