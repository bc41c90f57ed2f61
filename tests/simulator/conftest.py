"""Shared simulated cities and readers of what they delivered.

``small_city``: 2,000 residents × 8 days, a raised birth rate and twin share so that deliveries,
twins and nameless newborns occur in a few days (a real city of 2,000 has one birth a fortnight).
Everything else is the default, realistic configuration.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from schemas.contracts import source_contracts
from simulator import SimConfig, SimulationSummary, simulate_city

START, DAYS = date(2026, 3, 1), 8
FAMILIES = SimConfig(birth_rate=0.1, twin_share=0.3)


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationSummary]:
    root = tmp_path_factory.mktemp("sim") / "city"
    return root, simulate_city(root, 2000, START, DAYS, seed=5, config=FAMILIES)


@pytest.fixture(scope="session")
def delivered(small_city: tuple[Path, SimulationSummary]) -> dict[str, pd.DataFrame]:
    """Every delivered dataset as text, with ``_org`` and (file drops) ``_folder`` date."""
    root, _ = small_city
    return {**read_hospitals(root), **read_file_drops(root)}


def read_hospitals(root: Path) -> dict[str, pd.DataFrame]:
    frames: dict[str, list[pd.DataFrame]] = {}
    for db in sorted(root.glob("hospital/*/frontend.sqlite")):
        with sqlite3.connect(db) as con:
            for table in [c.name for c in source_contracts().values() if c.source == "hospital"]:
                frame = pd.read_sql(f"SELECT * FROM {table}", con).astype(object)
                frames.setdefault(f"hospital.{table}", []).append(frame.assign(_org=db.parent.name))
    return {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}


def read_file_drops(root: Path) -> dict[str, pd.DataFrame]:
    frames: dict[str, list[pd.DataFrame]] = {}
    for path in sorted(root.glob("vaccination/*/*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        frame = pd.DataFrame(rows, dtype=object).assign(_org=path.stem, _folder=path.parent.name)
        frames.setdefault("vaccination.dose", []).append(frame)
    for path in sorted(root.glob("mch/*/*/*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = frame.assign(_org=path.parent.name, _folder=path.parent.parent.name)
        frames.setdefault(f"mch.{path.stem}", []).append(frame)
    header = source_contracts()["checkup.visit"]
    for path in sorted(root.glob("checkup/*/*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gbk")
        frame.columns = header.column_names
        frames.setdefault("checkup.visit", []).append(
            frame.assign(_org=path.stem, _folder=path.parent.name)
        )
    return {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}
