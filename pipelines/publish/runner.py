"""Run the SQL models of ``warehouse/`` in dependency order.

A model is one file ``<root>/<schema>/<model>.sql`` that creates the table ``schema.model``.
It opens with comment lines stating its rule in plain words, then a ``-- depends:`` line naming
the models it reads (comma-separated, may be empty)::

    -- One golden record per resident_id, chosen by survivorship rules …
    -- depends: staging.person_mention, mpi.record_link
    CREATE OR REPLACE TABLE mpi.resident AS …

The body is a Jinja template rendered in a sandbox with StrictUndefined; the only values it can
insert are the ones ``LakeInputs.template_globals`` renders (``kernel.sql`` literals). The
opening comment becomes the table's ``COMMENT ON TABLE`` so that the warehouse explains itself.
Columns a model leaves without ``COMMENT ON COLUMN`` take their comment from the glossary
``warehouse/columns.yaml`` (names used the same way in many models: ``resident_id``,
``org_code`` …), so that every published column is described and each shared one only once; a
table that publishes a stage table (``mpi.review_queue``) first takes its contract's descriptions.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from kernel.sql import sql_string
from pipelines.publish.errors import ModelError, PublishError
from schemas.contracts import stage_contracts

log = logging.getLogger(__name__)

WAREHOUSE_DIR = Path(__file__).resolve().parents[2] / "warehouse"
GLOSSARY = WAREHOUSE_DIR / "columns.yaml"
_DEPENDS = re.compile(r"^--\s*depends:(.*)$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Model:
    name: str  # schema.model
    path: Path
    rule: str
    depends: tuple[str, ...]
    template: str

    @property
    def schema(self) -> str:
        return self.name.split(".", 1)[0]


def discover(root: Path, exclude: Sequence[str] = ()) -> list[Model]:
    """Every ``<root>/<schema>/<model>.sql`` except schemas in ``exclude``."""
    models = [
        parse_model(path, root)
        for path in sorted(root.glob("*/*.sql"))
        if path.parent.name not in exclude
    ]
    if not models:
        raise PublishError(f"no SQL models under {root}")
    return models


def parse_model(path: Path, root: Path) -> Model:
    schema, stem = path.parent.name, path.stem
    if not (_NAME.match(schema) and _NAME.match(stem)):
        raise PublishError(f"{path.relative_to(root)}: model names are lower_snake_case")
    rule_lines: list[str] = []
    depends: tuple[str, ...] | None = None
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        found = _DEPENDS.match(line)
        if found:
            depends = tuple(d.strip() for d in found.group(1).split(",") if d.strip())
            break
        rule_lines.append(line[2:].strip())
    rule = " ".join(part for part in rule_lines if part)
    if not rule or depends is None:
        raise PublishError(
            f"{path.relative_to(root)} must open with its rule in comment lines, then '-- depends:'"
        )
    return Model(f"{schema}.{stem}", path, rule, depends, text)


def build_order(models: Sequence[Model], external: Sequence[str] = ()) -> list[Model]:
    """Models sorted so each runs after what it depends on; ties in name order (deterministic)."""
    by_name = {m.name: m for m in models}
    graph = TopologicalSorter()
    for model in models:
        unknown = [d for d in model.depends if d not in by_name and d not in external]
        if unknown:
            raise PublishError(f"{model.name} depends on unknown models {unknown}")
        graph.add(model.name, *(d for d in model.depends if d in by_name))
    try:
        graph.prepare()
    except CycleError as exc:
        raise PublishError(f"models depend on each other in a cycle: {exc.args[1]}") from exc
    ordered: list[Model] = []
    while graph.is_active():
        ready = sorted(graph.get_ready())
        ordered.extend(by_name[name] for name in ready)
        graph.done(*ready)
    return ordered


def render(model: Model, template_globals: Mapping[str, object]) -> str:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )
    try:
        return env.from_string(model.template).render(**template_globals)
    except TemplateError as exc:  # an input error raised while rendering passes through as is
        raise ModelError(model.name, f"template: {exc}") from exc


def run_models(
    con: duckdb.DuckDBPyConnection,
    models: Sequence[Model],
    template_globals: Mapping[str, object],
    external: Sequence[str] = (),
) -> dict[str, int]:
    """Create every model in order; returns row counts. Raises ModelError naming the failing one."""
    counts: dict[str, int] = {}
    for model in build_order(models, external):
        started = time.perf_counter()
        run_model(con, model, template_globals)
        counts[model.name] = con.execute(f"SELECT count(*) FROM {model.name}").fetchone()[0]
        seconds = time.perf_counter() - started
        log.info("model %s: %d rows in %.2f s", model.name, counts[model.name], seconds)
    return counts


def run_model(
    con: duckdb.DuckDBPyConnection, model: Model, template_globals: Mapping[str, object]
) -> None:
    sql = render(model, template_globals)
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {model.schema}")
        con.execute(sql)
        con.execute(f"COMMENT ON TABLE {model.name} IS {sql_string(model.rule)}")
        comment_columns(con, model.name, contract_descriptions(model.name))
        comment_columns(con, model.name, glossary())
    except duckdb.Error as exc:
        raise ModelError(model.name, str(exc).splitlines()[0]) from exc


@cache
def contract_descriptions(table: str) -> dict[str, str]:
    """Column descriptions of the stage contract a published table carries on (``mpi.record_link``
    publishes the contract of the same name), so that a column is described once, there."""
    found = stage_contracts().get(table)
    if found is None:
        return {}
    return {c.name: c.description for c in found.columns if c.description}


@cache
def glossary(path: Path = GLOSSARY) -> dict[str, str]:
    """Column name → comment for the names many models share (``warehouse/columns.yaml``)."""
    if not path.exists():
        return {}
    return {str(k): str(v).strip() for k, v in yaml.safe_load(path.read_text("utf-8")).items()}


def comment_columns(
    con: duckdb.DuckDBPyConnection, table: str, comments: Mapping[str, str]
) -> None:
    """Comment the columns of ``table`` left uncommented that ``comments`` knows."""
    schema, name = table.split(".", 1)
    bare = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ? AND comment IS NULL",
        [schema, name],
    ).fetchall()
    for (column,) in bare:
        if column in comments:
            con.execute(f'COMMENT ON COLUMN {table}."{column}" IS {sql_string(comments[column])}')
