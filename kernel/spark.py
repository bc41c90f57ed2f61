"""The Spark engine's session: one per process, shared by linkage (Splink's Spark backend) and
the warehouse (dbt-spark's ``session`` method, which picks up the active session).

Local by default (``local[2]``: the two cores of one machine). A cluster is named from the
environment, never from code:

    HEALTHARCHIVE_SPARK_MASTER           master URL (spark://host:7077, yarn, k8s://...)
    HEALTHARCHIVE_SPARK_EXECUTOR_MEMORY  e.g. 8g
    HEALTHARCHIVE_SPARK_CONF             extra settings, "key=value;key=value"

pyspark is imported only here and only when a session is asked for: the DuckDB engine never
pays Spark's start-up (a JVM, about 6 s).

Python UDFs (linkage runs DuckDB's string distances in some) need the project's environment on
every executor: a local master uses this process's interpreter; on a cluster set
``PYSPARK_PYTHON`` to one that has duckdb, pandas and pyarrow.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ENGINES = ("duckdb", "spark")
MASTER_ENV = "HEALTHARCHIVE_SPARK_MASTER"
EXECUTOR_MEMORY_ENV = "HEALTHARCHIVE_SPARK_EXECUTOR_MEMORY"
CONF_ENV = "HEALTHARCHIVE_SPARK_CONF"
DEFAULT_MASTER = "local[2]"


class EngineError(ValueError):
    """An engine name the pipeline does not know."""


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return engine


def spark_conf() -> dict[str, str]:
    """The session's settings from the environment (master, executor memory, extras)."""
    conf = {"spark.master": os.environ.get(MASTER_ENV, DEFAULT_MASTER)}
    if memory := os.environ.get(EXECUTOR_MEMORY_ENV):
        conf["spark.executor.memory"] = memory
    for item in filter(None, os.environ.get(CONF_ENV, "").split(";")):
        key, sep, value = item.partition("=")
        if not sep:
            raise EngineError(f"{CONF_ENV}: {item!r} is not key=value")
        conf[key.strip()] = value.strip()
    return conf


def spark_session(scratch: Path) -> SparkSession:
    """The process's Spark session, created on first use.

    ``scratch`` holds Splink's checkpoints (Splink 5 needs a checkpoint directory) and
    the local warehouse and metastore of a ``local`` master.
    """
    from pyspark.sql import SparkSession

    scratch.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("healtharchive")
    conf = spark_conf()
    if conf["spark.master"].startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        conf.setdefault("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
        conf.setdefault("spark.driver.extraJavaOptions", f"-Dderby.system.home={scratch}")
        conf.setdefault("spark.sql.shuffle.partitions", "4")
        conf.setdefault("spark.ui.enabled", "false")
        conf.setdefault("spark.ui.showConsoleProgress", "false")
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
    session.sparkContext.setLogLevel("ERROR")
    return session
