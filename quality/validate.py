"""The validate stage: one night's raw deliveries → quality.result, held deliveries, GE results.

Runs after extract and before standardise. Per dataset (all orgs together): the Arrow schema
against the contract, the load-log checks, the generated GE suite and the registry's SQL
checks; then the fatal gate. Outputs, each replaced whole on a rerun:

    quality.result (part ``validate``)  rows of quality.result
    quality.held_deliveries             deliveries standardise skips, with the reason
    Layout.gx_results(D)                scrubbed GE validation results, one JSON per dataset
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kernel.atomic import replace_dir
from kernel.layout import Layout
from quality import gx_run, load_log, results, sql_checks
from quality.raw import ORG, DatasetNight, by_night, night_org, night_orgs, read_dataset
from quality.registry import validate_registry
from quality.suites import suite_spec
from schemas.contracts import Contract, source_contracts
from schemas.tables import write_table

log = logging.getLogger(__name__)
# raw rows a GE run takes at most in a range of nights (a batch; a bigger night goes alone)
BATCH_ROWS = 500_000


@dataclass(frozen=True)
class QualitySummary:
    """What one validate run did, in counts only (no personal data)."""

    day: date
    datasets: int
    deliveries: int
    rows: int
    results: int
    not_passed: dict[str, int] = field(default_factory=dict)  # severity → result rows not passed
    held: int = 0
    seconds: float = 0.0
    result_path: Path | None = None
    held_path: Path | None = None


@dataclass
class _Run:
    """One night of a validate run: its inputs, its results so far and its GE documents."""

    layout: Layout
    day: date
    load_log: pd.DataFrame | None
    gx_docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    parts: list[pd.DataFrame] = field(default_factory=list)
    deliveries: int = 0
    rows: int = 0


@dataclass
class _Batch:
    """Nights validated together: one DuckDB connection, one GE context, one GE run a dataset."""

    runs: list[_Run]
    con: Any
    context: Any = None

    def gx_context(self) -> Any:
        if self.context is None:
            self.context = gx_run.ephemeral_context()
        return self.context


@dataclass(frozen=True)
class _Delivered:
    """One night's deliveries of one dataset, with what the load log says of them."""

    run: _Run
    night: DatasetNight
    logged: pd.DataFrame | None

    @property
    def conforming(self) -> list[str]:
        return sorted(set(self.night.orgs) - set(self.night.bad_columns))


def _validate_dataset(batch: _Batch, contract: Contract) -> None:
    """One dataset over the batch's nights: each night's quality.result rows join its run."""
    found = []
    for run in batch.runs:
        night = read_dataset(run.layout.root, contract, run.day)
        logged = load_log.logged_for(run.load_log, contract)
        if night.orgs or (logged is not None and not logged.empty):
            found.append(_Delivered(run, night, logged))
    checked = [d for d in found if d.conforming]
    gx_counts = _gx_counts(batch, contract, checked) if checked else {}
    sql_counts = sql_checks.run_sql_checks_nights(
        batch.con, contract, [(d.run.day, d.night.table, d.conforming) for d in checked]
    )
    for d in found:
        night, run = d.night, d.run
        parts = [results.schema_counts(night), load_log.load_log_counts(night, d.logged)]
        if d.conforming:
            parts += [gx_counts[run.day], sql_counts[run.day]]
        filled = [p for p in parts if not p.empty]
        run.deliveries += len(night.orgs)
        run.rows += sum(night.raw_rows.values())
        run.parts.append(results.describe(pd.concat(filled, ignore_index=True), contract, run.day))
    log.info("validated %s: %d nights", contract.dataset, len(found))


def _gx_counts(batch: _Batch, contract: Contract, checked: list[_Delivered]) -> dict[date, Any]:
    """GE once over every night's conforming deliveries of one dataset; counts per night.

    Nights are told apart by making the org column ``<night>|<org>``: the per-org counts become
    per night and org, and the key's uniqueness holds within one night's delivery, as alone.
    """
    frame = gx_run.to_frame(pa.concat_tables([d.night.table for d in checked]), contract)
    keys = gx_run.record_keys(frame, contract)  # by the real org, before it gets its night
    frame[ORG] = np.concatenate(
        [night_orgs(d.run.day, d.night.table[ORG]).to_numpy() for d in checked]
    )
    groups = [night_org(d.run.day, org) for d in checked for org in d.conforming]
    logged = [
        load_log.expected_rows(d.logged, d.conforming) for d in checked if d.logged is not None
    ]
    total = sum(logged) if len(logged) == len(checked) else None
    result = gx_run.run_suite(batch.gx_context(), contract, frame, suite_spec(contract, total))
    doc = gx_run.scrubbed(result, contract)
    if len(checked) > 1:  # the document of a run over several nights says which
        doc.setdefault("meta", {})["validated_nights"] = [str(d.run.day) for d in checked]
    for d in checked:
        d.run.gx_docs[contract.dataset] = doc
    counts = gx_run.per_org_counts(frame, result, groups, keys)
    return by_night(counts, [d.run.day for d in checked])


def _write_gx_docs(layout: Layout, day: date, docs: dict[str, dict[str, Any]]) -> None:
    final = layout.gx_results(day)
    final.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".gx.", dir=final.parent))
    for dataset, doc in docs.items():
        text = json.dumps(doc, ensure_ascii=False, default=str)
        (build / f"{dataset}.json").write_text(text, encoding="utf-8")
    replace_dir(final, build)


def validate_date(data: Path, day: date) -> QualitySummary:
    """Validate every raw delivery of night ``day``; write results and held deliveries."""
    (summary,) = validate_nights(data, [day])
    return summary


def validate_nights(data: Path, nights: list[date]) -> list[QualitySummary]:
    """Validate several nights, each as ``validate_date`` would, with GE run once per dataset
    over a batch of nights (``BATCH_ROWS``) instead of once per dataset and night: GE's fixed
    cost a run, not the rows, is most of a night's validation. Each night's GE document is its
    batch's (marked ``validated_nights``); every other output is the night's own."""
    validate_registry()
    layout = Layout(data)
    runs = [_Run(layout, day, load_log.read_load_log(layout.root, day)) for day in nights]
    summaries = []
    for batch_runs in _batches(runs):
        started = time.perf_counter()
        batch = _Batch(batch_runs, sql_checks.connect())
        try:
            for contract in source_contracts().values():
                _validate_dataset(batch, contract)
        finally:
            batch.con.close()
        share = (time.perf_counter() - started) / len(batch_runs)  # GE's run is the batch's
        summaries += [_finish(run, time.perf_counter() - share) for run in batch_runs]
    return summaries


def _batches(runs: list[_Run]) -> Iterator[list[_Run]]:
    """Consecutive nights whose raw rows, by their load logs, add up to ``BATCH_ROWS`` at most
    (a night over it alone): GE keeps every failing row's index of a run in memory."""
    batch: list[_Run] = []
    rows = 0
    for run in runs:
        night_rows = 0 if run.load_log is None else int(run.load_log["rows_accepted"].sum())
        if batch and rows + night_rows > BATCH_ROWS:
            yield batch
            batch, rows = [], 0
        batch.append(run)
        rows += night_rows
    if batch:
        yield batch


def _finish(run: _Run, started: float) -> QualitySummary:
    """Write night ``run.day``'s results, held deliveries and GE documents."""
    if run.load_log is None:
        log.warning("no load log for %s: row counts are not reconciled", run.day)
    table = results.finalise(run.parts)
    held = results.held_deliveries(table)
    layout, day = run.layout, run.day
    write_table(table, "quality.result", layout.night("quality.result", day, "validate"))
    write_table(held, "quality.held_deliveries", layout.night("quality.held_deliveries", day))
    _write_gx_docs(layout, day, run.gx_docs)
    summary = _summary(run, len(run.parts), table, held, started)
    log.info(
        "validate %s: %d result rows, %d deliveries held, %.1f s",
        day, summary.results, summary.held, summary.seconds,
    )  # fmt: skip
    return summary


def _summary(
    run: _Run, datasets: int, table: pa.Table, held: pa.Table, started: float
) -> QualitySummary:
    frame = table.select(["severity", "passed"]).to_pandas()
    not_passed = frame[~frame["passed"]].groupby("severity").size().to_dict()
    return QualitySummary(
        day=run.day, datasets=datasets, deliveries=run.deliveries, rows=run.rows,
        results=table.num_rows, not_passed={k: int(v) for k, v in not_passed.items()},
        held=held.num_rows, seconds=round(time.perf_counter() - started, 2),
        result_path=run.layout.night("quality.result", run.day, "validate"),
        held_path=run.layout.night("quality.held_deliveries", run.day),
    )  # fmt: skip
