"""Run a few models of the dbt project over a hand-built lake, for tests of one model's rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from kernel.layout import Layout
from pipelines.publish import dbt_run
from pipelines.publish.incremental import project_checksum
from pipelines.publish.sources import create_sources
from tests.publish.tiny_lake import write_crosswalk


def run_models(data: Path, day: date, *models: str) -> dict[str, list[tuple]]:
    """``dbt run --select models`` over the lake in ``data`` as of night ``day`` (an empty
    crosswalk is written if the lake has none); every selected table's rows, schema.table →."""
    layout = Layout(data)
    if not layout.night("mpi.record_link", day).exists():
        write_crosswalk(data, day, {})
    work = data / f".dbt-{day.isoformat()}"
    work.mkdir(exist_ok=True)
    warehouse = work / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        create_sources(con, layout, day)
    profile = dbt_run.write_profile(work / "dbt", warehouse, None)
    result = dbt_run.invoke(["run", "--select", *models], profile, day, checksum=project_checksum())
    assert result.success, result.exception or [r.message for r in result.result.results]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            f"{n.node.schema}.{n.node.alias}": con.execute(
                f"SELECT * FROM {n.node.schema}.{n.node.alias}"
            ).fetchall()
            for n in result.result.results
        }
