"""Running the dbt project (``warehouse/``) in this process, through ``dbtRunner``.

Everything dbt writes — the profile and its target folder (compiled SQL) — goes to a work folder
the caller owns (inside the publish build folder under the data root, owner-only, removed
afterwards); nothing is written into the repository. dbt logs nothing, neither to the console
nor to a file (the file would be removed with the build folder unread): the publish step records
models, tests and timings itself, from dbt's run results (``ops.publish`` and
``reports/publish/<D>.json``), and a failure is raised with the first line of dbt's message,
which never holds row values (a failing test reports how many rows failed, not which; a failing
model's first line names the model, the database's own message follows on the next lines).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from kernel.atomic import write_text
from kernel.city import city
from pipelines.publish import manifest_cache
from pipelines.publish.errors import DataTestError, ModelError, PublishError

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2] / "warehouse"
PROFILE = "healtharchive"
PLUGIN = "pipelines.publish.dbt_plugin"
# manifest.json and run_results.json: the results are read in this process and the build folder
# is removed afterwards, so writing them (a few MB of JSON) would be work for nobody
NO_ARTIFACTS = ("--no-write-json",)


@dataclass(frozen=True)
class NodeResult:
    name: str  # the model (archive__timeline) or test name
    kind: str  # model | test | unit_test
    status: str
    seconds: float
    relation: str | None = None  # database.schema.table of a model
    materialized: str | None = None
    attached_to: str | None = None  # the model a test tests


@dataclass
class DbtRun:
    """What dbt's run results say about one ``dbt build``."""

    nodes: list[NodeResult] = field(default_factory=list)
    seconds: float = 0.0  # wall seconds of the run: schemas, models, tests (not the parse)
    started_at: datetime | None = None  # when the run started, UTC

    def models(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.kind == "model"]

    def data_tests(self, model: str) -> list[NodeResult]:
        """The data tests of a model that ran (unit tests test its SQL, not its rows)."""
        return [n for n in self.nodes if n.kind == "test" and n.attached_to == model]


def write_profile(
    work: Path, warehouse: Path, analytics: Path | None, pseudonyms: bool = True
) -> Path:
    """The profile of one build, in ``work``: the warehouse database being built, with the
    analytics database attached as ``analytics`` and the pseudonym plugin (which needs the key;
    ``dbt docs generate`` runs no model and goes without it)."""
    output: dict[str, Any] = {
        "type": "duckdb",
        "path": str(warehouse),
        "schema": "main",
        "threads": 1,
        "settings": {"TimeZone": city().timezone},
    }
    if pseudonyms:
        output["plugins"] = [{"module": PLUGIN, "alias": "pseudonym"}]
    if analytics is not None:
        output["attach"] = [{"path": str(analytics), "alias": "analytics"}]
    profile = {PROFILE: {"target": "publish", "outputs": {"publish": output}}}
    write_text(work / "profiles.yml", yaml.safe_dump(profile))
    return work


def invoke(
    command: Sequence[str],
    work: Path,
    day: date,
    extra: Sequence[str] = (),
    checksum: str = "",
    cache: Path | None = None,
    variables: Mapping[str, str] | None = None,
) -> Any:
    """``dbt <command>`` on the project with the profile in ``work``; returns dbt's result.
    ``variables`` are vars besides the night (the Spark build's output location).

    With a ``checksum`` of the project, the parsed manifest is reused (``manifest_cache``): this
    process's, else the one kept in ``cache``, else parsed now and kept there.
    """
    from dbt.cli.main import dbtRunner

    args = [
        *command,
        "--project-dir", str(PROJECT),
        "--profiles-dir", str(work),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
        "--vars", json.dumps({"as_of_date": day.isoformat(), **(variables or {})}),
        "--log-level", "none",
        "--log-level-file", "none",
        "--no-use-colors",
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
        "--no-partial-parse",
        *extra,
    ]  # fmt: skip
    try:
        manifest = _manifest(args, checksum, cache) if checksum else None
        # dbt's locks are multiprocessing "spawn" locks: the first starts Python's resource
        # tracker, one child per process that lives as long as it (tests/publish/test_processes)
        return dbtRunner(manifest=manifest).invoke(args)
    finally:
        _close_connections()


def _manifest(args: list[str], checksum: str, cache: Path | None) -> Any | None:
    """The project's parsed manifest, kept or parsed now (None when parsing failed: the command
    then parses for itself and reports the error)."""
    key = manifest_cache.cache_key(checksum, PROJECT)
    manifest = manifest_cache.load(key, cache)
    if manifest is None:
        manifest = parse(args[1:])
        if manifest is not None:
            manifest_cache.keep(key, manifest, cache)
    return manifest


def parse(args: Sequence[str]) -> Any | None:
    """``dbt parse`` with the options of a command: the manifest, or None when it failed."""
    from dbt.cli.main import dbtRunner

    parsed = dbtRunner().invoke(["parse", *args, *NO_ARTIFACTS])
    return parsed.result if parsed.success else None


def build(
    work: Path,
    day: date,
    checksum: str = "",
    cache: Path | None = None,
    unit_tests: bool = True,
    variables: Mapping[str, str] | None = None,
) -> DbtRun:
    """``dbt build``: every model and data test, and the unit tests unless told otherwise; raises
    ModelError / DataTestError naming the first that failed (the database being built is then
    discarded by the caller)."""
    skip = () if unit_tests else ("--exclude-resource-type", "unit_test")
    result = invoke(["build"], work, day, (*NO_ARTIFACTS, *skip), checksum, cache, variables)
    if result.exception is not None and result.result is None:
        raise PublishError(f"dbt could not run the warehouse project: {result.exception}")
    run = _run(result.result)
    failed = [n for n in result.result.results if str(n.status) in ("error", "fail")]
    if failed:
        first = failed[0]
        node = first.node
        reason = (first.message or str(first.status)).splitlines()[0]
        if node.resource_type == "model":
            raise ModelError(f"{node.schema}.{node.alias} ({node.name})", reason)
        raise DataTestError(node.name, _attached(node), reason)
    if not result.success:
        raise PublishError(f"dbt build did not succeed: {result.exception}")
    return run


def _run(results: Any) -> DbtRun:
    """The run and its nodes, as dbt timed them: ``elapsed_time`` is measured from the start of
    the run to ``generated_at`` (naive UTC), so the start is their difference."""
    elapsed = getattr(results, "elapsed_time", 0.0)
    ended = getattr(results, "generated_at", None)
    if ended is not None and ended.tzinfo is None:
        ended = ended.replace(tzinfo=UTC)
    started = ended - timedelta(seconds=elapsed) if ended is not None else None
    nodes = [_node(node_result) for node_result in results.results]
    return DbtRun(nodes, round(elapsed, 3), started)


def _node(node_result: Any) -> NodeResult:
    node = node_result.node
    kind = str(node.resource_type)
    relation = materialized = None
    if kind == "model":
        relation = f"{node.database}.{node.schema}.{node.alias}"
        materialized = node.config.materialized
    return NodeResult(
        name=node.name,
        kind=kind,
        status=str(node_result.status),
        seconds=round(node_result.execution_time, 3),
        relation=relation,
        materialized=materialized,
        attached_to=_attached(node) if kind != "model" else None,
    )


def _attached(node: Any) -> str | None:
    """The model a data or unit test belongs to (model.healtharchive.x → x)."""
    target = getattr(node, "attached_node", None) or getattr(node, "model", None)
    return str(target).rsplit(".", 1)[-1] if target else None


def _close_connections() -> None:
    """dbt-duckdb keeps its DuckDB connection in a class attribute across invocations: close it,
    so that the database file is complete (checkpointed) before it is moved into place."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def summary_lines(run: DbtRun) -> list[str]:
    """One line per model and a line for the tests, for the log (names and timings only)."""
    lines = [f"model {n.name}: {n.status} in {n.seconds:.2f} s" for n in run.models()]
    tests = [n for n in run.nodes if n.kind != "model"]
    passed = sum(1 for n in tests if n.status == "pass")
    lines.append(f"{passed} of {len(tests)} tests passed in {sum(n.seconds for n in tests):.2f} s")
    return lines
