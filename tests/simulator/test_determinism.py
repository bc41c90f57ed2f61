"""Same seed, same bytes; reruns replace; a foreign folder is never overwritten."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from simulator import simulate_city

TINY = {"residents": 300, "start": date(2026, 3, 1), "days": 5}


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    first = simulate_city(tmp_path / "a", seed=11, progress=lambda *a: calls.append(a), **TINY)
    simulate_city(tmp_path / "b", seed=11, **TINY)
    simulate_city(tmp_path / "c", seed=12, **TINY)
    a, b, c = (_hashes(tmp_path / x) for x in "abc")
    assert len(a) > 40 and a == b  # SQLite databases included
    assert a != c
    assert ("days", 5, 5) in calls and calls[0][0] == "population"
    assert first.files == len(a) and first.residents == 300 and first.institutions == 65


def test_rerun_replaces_the_city(tmp_path: Path) -> None:
    out = tmp_path / "city"
    simulate_city(out, seed=11, **TINY)
    before = _hashes(out)
    (out / "vaccination" / "stray.txt").write_text("left over", encoding="utf-8")
    simulate_city(out, seed=11, **TINY)
    assert _hashes(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["city"]  # no build folder left behind


def test_refuses_to_overwrite_a_folder_that_is_not_a_city(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        simulate_city(tmp_path, seed=1, **TINY)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
