"""The bad-input corpus (``tests/extract/corpus.py``) run as a table.

For every kind: the night finishes; every good delivery loads as it does in the clean city; the
bad one is quarantined or stopped with a reason that names its file and says what is wrong;
rows delivered = accepted + quarantined, and the lake's files hold exactly those rows; the
sources root is left as it was, and nothing outside the sources and data roots is read or
written (a file there holds a secret that must never reach the lake). A few kinds run the whole
night (``run_date``) to show it still publishes; the rest run extract alone, to stay fast.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kernel.city import city
from kernel.layout import Layout
from pipelines.extract import extract_date
from pipelines.run import run_date
from tests.extract import fixtures as fx
from tests.extract.corpus import KINDS, SECRET, Expect, build

STOPPED = ("drift", "incomplete")
_OPENED: list[str] | None = None  # paths opened while a night runs (None: not recording)


def _audit(event: str, args: tuple) -> None:
    if _OPENED is None:
        return
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _OPENED.append(os.fsdecode(args[0]))
    elif event == "sqlite3.connect" and isinstance(args[0], str | os.PathLike):
        name = os.fspath(args[0])
        _OPENED.append(unquote(name[5:].split("?")[0]) if name.startswith("file:") else name)


sys.addaudithook(_audit)  # cannot be removed: it records only inside ``recording``


@contextmanager
def recording() -> Iterator[list[str]]:
    global _OPENED
    _OPENED = opened = []
    try:
        yield opened
    finally:
        _OPENED = None


@pytest.fixture(autouse=True)
def quick_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A database that never answers is given up on after a second or two, not minutes."""
    monkeypatch.setenv("HEALTHARCHIVE_CITY_FRONTEND_CONNECT_TIMEOUT_S", "2")
    monkeypatch.setenv("HEALTHARCHIVE_CITY_FRONTEND_STATEMENT_TIMEOUT_S", "1")
    city.cache_clear()
    yield
    city.cache_clear()


@cache
def _clean_log(nights: tuple[date, ...], root: Path) -> pd.DataFrame:
    sources, data = fx.tiny_city(root / "sources"), root / "data"
    for night in nights:
        extract_date(sources, data, night)
    return _log(data, nights[-1])


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory):
    return lambda nights: _clean_log(nights, tmp_path_factory.mktemp("clean"))


@pytest.mark.parametrize(("kind", "builder", "expect"), KINDS, ids=[k[0] for k in KINDS])
def test_bad_input(kind: str, builder, expect: Expect, tmp_path: Path, clean, monkeypatch) -> None:
    corpus, holder = build(builder, tmp_path)
    for name, value in holder.env.items():
        monkeypatch.setenv(name, value)
    data = tmp_path / "data"
    sources_before, outside_before = _tree(corpus.sources), _tree(corpus.outside)
    try:
        with recording() as opened:
            started = time.perf_counter()
            for night in expect.nights:
                (run_date if expect.whole_night else extract_date)(corpus.sources, data, night)
            seconds = time.perf_counter() - started
    finally:
        holder.close()
    log = _log(data, expect.nights[-1])
    bad = _the_bad_one(log, expect)
    _check_reason(bad, expect, data)
    _check_the_rest(log, clean(expect.nights), expect)
    _check_reconciles(log, data)
    assert _tree(corpus.sources) == sources_before, "extract changed the sources root"
    assert _tree(corpus.outside) == outside_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "outside", "sources"]
    _check_nothing_read_outside(opened, tmp_path, corpus.sources, data)
    assert SECRET not in _lake_text(data)
    assert expect.whole_night or seconds < 10, f"{kind}: extract took {seconds:.1f} s"
    if expect.whole_night:  # the night published, and said what the clerk should look at
        assert Layout(data).warehouse.exists() and Layout(data).analytics.exists()
        assert not expect.quality_check or _failed(data, expect) > 0


def _failed(data: Path, expect: Expect) -> int:
    """Rows the published quality results count as failing ``expect.quality_check``: readable
    but implausible values are kept by extract and flagged by the check stage."""
    source, _, dataset = expect.dataset.partition(".")
    with duckdb.connect(str(Layout(data).warehouse), read_only=True) as con:
        return con.execute(
            "SELECT coalesce(sum(failed), 0) FROM quality.result "
            "WHERE check_code = ? AND source = ? AND dataset = ? AND org_code = ?",
            [expect.quality_check, source, dataset, expect.org],
        ).fetchone()[0]


# -- the checks ---------------------------------------------------------------------------------
def _log(data: Path, night: date) -> pd.DataFrame:
    return pd.read_parquet(Layout(data).night("ops.load_log", night))


def _in_scope(log: pd.DataFrame, expect: Expect) -> pd.Series:
    source, _, name = expect.dataset.partition(".")
    mask = (log["source"] == source) & (log["org_code"] == expect.org)
    return mask & (log["dataset"] == name) if name else mask


def _the_bad_one(log: pd.DataFrame, expect: Expect) -> pd.DataFrame:
    bad = log[_in_scope(log, expect)]
    assert len(bad) and set(bad["status"]) == {expect.status}, bad[["dataset", "status", "message"]]
    return bad


def _check_reason(bad: pd.DataFrame, expect: Expect, data: Path) -> None:
    messages = bad["message"].fillna("").tolist()
    for words in expect.words:  # what is wrong, and where, in words a clerk can act on
        assert any(words in m for m in messages), (words, messages)
    for row in bad.itertuples():
        if row.status in STOPPED or row.rows_quarantined:  # names the file (or table)
            assert row.source_file in row.message, row.message
    if expect.accepted is not None:
        assert bad["rows_accepted"].sum() == expect.accepted
    if expect.quarantined is not None:
        assert bad["rows_quarantined"].sum() == expect.quarantined
    if expect.held_text:
        held = _quarantine(data, bad)
        assert any(expect.held_text in r for r in held["record"].dropna()), held["record"].tolist()


def _quarantine(data: Path, rows: pd.DataFrame) -> pd.DataFrame:
    parts = [pd.read_parquet(Layout(data).quarantine_dir(r.source, r.dataset, r.load_date)
                             / f"{r.org_code}.parquet") for r in rows.itertuples()]  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _check_the_rest(log: pd.DataFrame, clean: pd.DataFrame, expect: Expect) -> None:
    """Every other delivery is what it is in the clean city; new rows only for the bad org."""
    columns = ["source", "dataset", "org_code", "status", "rows_accepted", "rows_quarantined"]
    key = ["source", "dataset", "org_code"]
    rest = log[~_in_scope(log, expect)][columns]
    expected = clean[~_in_scope(clean, expect)][columns]
    merged = expected.merge(rest, on=key, how="outer", suffixes=("_clean", ""), indicator=True)
    new = merged["_merge"] == "right_only"  # other tables of a new institution's front end
    assert (merged.loc[new, "org_code"] == expect.org).all(), merged[new]
    merged = merged[~new]
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    for field in ("status", "rows_accepted", "rows_quarantined"):
        differs = merged[merged[field] != merged[f"{field}_clean"]]
        assert differs.empty, differs


def _check_reconciles(log: pd.DataFrame, data: Path) -> None:
    assert (log["rows_delivered"] == log["rows_accepted"] + log["rows_quarantined"]).all()
    layout = Layout(data)
    for row in log.itertuples():
        name = f"{row.org_code}.parquet"
        raw = layout.raw_dir(row.source, row.dataset, row.load_date) / name
        held = layout.quarantine_dir(row.source, row.dataset, row.load_date) / name
        assert (_rows(raw), _rows(held)) == (row.rows_accepted, row.rows_quarantined), row


def _rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0


def _check_nothing_read_outside(opened: list[str], parent: Path, *roots: Path) -> None:
    parent, allowed = Path(os.path.realpath(parent)), [Path(os.path.realpath(r)) for r in roots]
    strays = []
    for name in opened:
        path = Path(os.path.realpath(name))
        if parent in path.parents and not any(r == path or r in path.parents for r in allowed):
            strays.append(str(path))
    assert not strays, strays


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() or (p.is_symlink() and not p.exists())}  # fmt: skip


def _lake_text(data: Path) -> str:
    """Everything extract wrote, as text (Parquet read back, so compression hides nothing)."""
    parts = [str(pq.read_table(p).to_pylist()) for p in sorted(data.rglob("*.parquet"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted(data.rglob("marks.json"))]
    return "\n".join(parts)
