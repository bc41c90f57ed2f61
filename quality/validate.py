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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from kernel.atomic import replace_dir
from kernel.layout import Layout
from quality import gx_run, load_log, results, sql_checks
from quality.raw import DatasetNight, read_dataset
from quality.registry import validate_registry
from quality.suites import suite_spec
from schemas.contracts import Contract, source_contracts
from schemas.tables import write_table

log = logging.getLogger(__name__)


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
    """One validate run: its inputs, the lazily opened GE context and the DuckDB connection."""

    layout: Layout
    day: date
    load_log: pd.DataFrame | None
    con: Any = None
    context: Any = None
    gx_docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    deliveries: int = 0
    rows: int = 0

    def gx_context(self) -> Any:
        if self.context is None:
            self.context = gx_run.ephemeral_context()
        return self.context


def _validate_dataset(run: _Run, contract: Contract) -> pd.DataFrame | None:
    """quality.result rows of one dataset, or None when nothing was delivered or logged for it."""
    night = read_dataset(run.layout.root, contract, run.day)
    logged = load_log.logged_for(run.load_log, contract)
    if not night.orgs and (logged is None or logged.empty):
        return None
    parts = [results.schema_counts(night), load_log.load_log_counts(night, logged)]
    conforming = sorted(set(night.orgs) - set(night.bad_columns))
    if conforming:
        parts.append(_gx_counts(run, night, conforming, logged))
        parts.append(sql_checks.run_sql_checks(run.con, contract, night.table, conforming, run.day))
    filled = [p for p in parts if not p.empty]
    run.deliveries += len(night.orgs)
    run.rows += sum(night.raw_rows.values())
    log.info("validated %s: %d deliveries", contract.dataset, len(night.orgs))
    return results.describe(pd.concat(filled, ignore_index=True), contract, run.day)


def _gx_counts(
    run: _Run, night: DatasetNight, orgs: list[str], logged: pd.DataFrame | None
) -> pd.DataFrame:
    contract = night.contract
    total = None if logged is None else load_log.expected_rows(logged, orgs)
    frame = gx_run.to_frame(night.table, contract)
    result = gx_run.run_suite(run.gx_context(), contract, frame, suite_spec(contract, total))
    run.gx_docs[contract.dataset] = gx_run.scrubbed(result, contract)
    return gx_run.per_org_counts(frame, result, orgs, gx_run.record_keys(frame, contract))


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
    started = time.perf_counter()
    validate_registry()
    layout = Layout(data)
    run = _Run(layout, day, load_log.read_load_log(layout.root, day))
    if run.load_log is None:
        log.warning("no load log for %s: row counts are not reconciled", day)
    run.con = sql_checks.connect()
    try:
        parts = [_validate_dataset(run, c) for c in source_contracts().values()]
    finally:
        run.con.close()
    parts = [p for p in parts if p is not None]
    table = results.finalise(parts)
    held = results.held_deliveries(table)
    write_table(table, "quality.result", layout.night("quality.result", day, "validate"))
    write_table(held, "quality.held_deliveries", layout.night("quality.held_deliveries", day))
    _write_gx_docs(layout, day, run.gx_docs)
    summary = _summary(run, len(parts), table, held, started)
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
