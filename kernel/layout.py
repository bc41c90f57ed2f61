"""Where everything lives under a data directory (``--data DIR``): the only code that builds
paths under it.

::

    lake/reference/<name>.parquet                             reference data, typed
    lake/raw/<source>/<dataset>/date=<D>/<org>.parquet        as delivered, typed by contract
    lake/quarantine/<source>/<dataset>/date=<D>/<org>.parquet rejected rows + reason
    lake/std/<table>/date=<D>/part.parquet                    standardised tables
    lake/load_log/date=<D>/load_log.parquet                   ops.load_log: one row per delivery
    lake/frontend_marks/date=<D>/marks.json, recent.parquet   front-end high-water marks after D
    lake/staging/extract/date=<D>/<system>/<org>/             one institution's extract of D, kept
                                                              until the night's extract is redone
    mpi/date=<D>/<table>.parquet                              the master person index after D
    mpi/decisions/                                            reviewers' decisions
    mpi/models/v<N>.json, candidates/, promotions/            the city's linkage models
    quality/date=<D>/...                                      quality results, held deliveries
    quality/date=<D>/gx/                                      Great Expectations results
    warehouse.duckdb, analytics.duckdb                        published atomically
    spark-warehouse/<schema>/<table>/                         the same, built on Spark (Parquet)
    .publish-<token>/                                         one publish's scratch (removed)
    .dbt/manifest-<key>.msgpack                               the parsed dbt project (a cache)
    .spark/                                                   the Spark engine's scratch: its
                                                              checkpoints, files it exchanges
    reports/<kind>/                                           Data Docs, governance, metrics, review
    audit/access/                                             who read identified data

The tables that pass between stages are named ``<schema>.<table>`` as in their contracts
(``schemas/``); ``NIGHTLY`` says where each night's partition of one lives.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Per-night stage tables: contract name → path under the data root ({day} = YYYY-MM-DD).
NIGHTLY: dict[str, str] = {
    "ops.load_log": "lake/load_log/date={day}/load_log.parquet",
    "mpi.record_link": "mpi/date={day}/record_link.parquet",
    "mpi.features": "mpi/date={day}/features.parquet",
    "mpi.review_queue": "mpi/date={day}/review_queue.parquet",
    "mpi.link_audit": "mpi/date={day}/link_audit.parquet",
    "mpi.resident_redirect": "mpi/date={day}/resident_redirect.parquet",
    "mpi.resident": "mpi/date={day}/resident.parquet",
    "mpi.mother_child": "mpi/date={day}/mother_child.parquet",
    # written in two parts: by validate (per delivery) and by check (after linkage)
    "quality.result": "quality/date={day}/result/{part}.parquet",
    "quality.held_deliveries": "quality/date={day}/held_deliveries.parquet",
}

WAREHOUSE_FILE = "warehouse.duckdb"
ANALYTICS_FILE = "analytics.duckdb"
PUBLISH_BUILD_PREFIX = ".publish-"


def partition_date(path: Path) -> date:
    """The logical date of a ``date=YYYY-MM-DD`` partition folder or a file inside one."""
    for part in (path, *path.parents):
        if part.name.startswith("date="):
            return date.fromisoformat(part.name[5:])
    raise ValueError(f"{path} is not inside a date= partition")


def _night(day: date) -> str:
    return f"date={day.isoformat()}"


@dataclass(frozen=True)
class Layout:
    """The data directory of one city: every path under it is built here."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    def make_private(self) -> None:
        """Create the data directory owner-only (0700): nobody else may list or read what the
        platform keeps, whatever the modes of the files inside."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.root.stat().st_uid == os.getuid():
            self.root.chmod(0o700)

    # -- the lake -----------------------------------------------------------------------------
    @property
    def lake(self) -> Path:
        return self.root / "lake"

    def reference(self, name: str) -> Path:
        """One reference table, e.g. ``institutions`` or ``population``."""
        return self.lake / "reference" / f"{name}.parquet"

    def raw_dir(self, source: str, dataset: str, day: date) -> Path:
        return self.lake / "raw" / source / dataset / _night(day)

    def raw_dirs(self, day: date) -> list[Path]:
        """Every delivered dataset's partition of night ``day``."""
        return sorted((self.lake / "raw").glob(f"*/*/{_night(day)}"))

    def quarantine_dir(self, source: str, dataset: str, day: date) -> Path:
        return self.lake / "quarantine" / source / dataset / _night(day)

    def frontend_marks(self, day: date) -> Path:
        """High-water marks after night ``day``: the greatest change time extracted so far from
        each hospital front-end table (extract's own state, not a stage table)."""
        return self.lake / "frontend_marks" / _night(day) / "marks.json"

    def frontend_recent(self, day: date) -> Path:
        """Beside the marks: the rows of each front-end table extracted within the look-back of
        its mark (row key, change time), so that the next night takes none of them again."""
        return self.lake / "frontend_marks" / _night(day) / "recent.parquet"

    def frontend_marks_before(self, day: date) -> Path | None:
        """The newest high-water marks written by a night before ``day``, or None."""
        found = (self.lake / "frontend_marks").glob("date=*/marks.json")
        earlier = sorted((p for p in found if partition_date(p) < day), key=partition_date)
        return earlier[-1] if earlier else None

    def extract_build_dir(self, day: date, token: str) -> Path:
        """Scratch folder where one extract of night ``day`` is assembled, then swapped in."""
        return self.lake / f".extract-{day.isoformat()}-{token}"

    def extract_staging(self, day: date) -> Path:
        """Night ``day``'s extract, one folder per institution and source system, before it is
        put together into the raw lake (``pipelines.extract.staging``)."""
        return self.lake / "staging" / "extract" / _night(day)

    def extract_stagings(self) -> list[Path]:
        """Every night's extract staging folder, oldest first."""
        return sorted((self.lake / "staging" / "extract").glob("date=*"), key=partition_date)

    def std(self, table: str, day: date) -> Path:
        return self.lake / "std" / table / _night(day) / "part.parquet"

    def std_glob(self, table: str) -> str:
        return str(self.lake / "std" / table / "date=*" / "part.parquet")

    def std_files(self, table: str) -> list[Path]:
        """Every night's partition of one standardised table, oldest first."""
        return sorted((self.lake / "std" / table).glob("date=*/part.parquet"), key=partition_date)

    def std_files_between(self, table: str, after: date | None, through: date) -> list[Path]:
        """The partitions of one standardised table loaded after night ``after`` (from the
        first, if None) through night ``through``, oldest first."""
        nights = [(partition_date(p), p) for p in self.std_files(table)]
        return [p for night, p in nights if (after is None or night > after) and night <= through]

    # -- per-night tables of the stages -------------------------------------------------------
    def night(self, table: str, day: date, part: str | None = None) -> Path:
        """Night ``day``'s partition of a stage table (``NIGHTLY``), e.g. ``mpi.record_link``;
        ``part`` names the writer of a table several stages write (``quality.result``)."""
        try:
            pattern = NIGHTLY[table]
        except KeyError:
            raise KeyError(f"no nightly table {table!r}; known: {', '.join(NIGHTLY)}") from None
        if ("{part}" in pattern) != (part is not None):
            raise ValueError(f"{table}: part {part!r} does not fit {pattern}")
        return self.root / pattern.format(day=day.isoformat(), part=part)

    def nights(self, table: str, through: date | None = None) -> list[Path]:
        """Every existing partition (every part) of a stage table through ``through``, oldest
        first."""
        head, _, tail = NIGHTLY[table].partition("date={day}")
        found = [p for p in (self.root / head).glob(f"date=*{tail.format(part='*')}")]
        if through is not None:
            found = [p for p in found if partition_date(p) <= through]
        return sorted(found, key=lambda p: (partition_date(p), p.name))

    def latest_before(self, table: str, day: date) -> Path | None:
        """The newest partition of a stage table from a night before ``day``, or None."""
        earlier = [p for p in self.nights(table) if partition_date(p) < day]
        return earlier[-1] if earlier else None

    def gx_results(self, day: date) -> Path:
        """Great Expectations validation results of night ``day``."""
        return self.root / "quality" / _night(day) / "gx"

    @property
    def decisions_dir(self) -> Path:
        """Reviewers' decisions on queued pairs (append-only files)."""
        return self.root / "mpi" / "decisions"

    @property
    def models_dir(self) -> Path:
        """The city's own promoted linkage models (``v<N>.json``); the nightly run scores with
        the newest of these, or the shipped one when the city has none."""
        return self.root / "mpi" / "models"

    @property
    def model_candidates_dir(self) -> Path:
        """Models trained on the city's lake, waiting for ``healtharchive model promote``."""
        return self.models_dir / "candidates"

    @property
    def model_promotions_dir(self) -> Path:
        """One JSON per promotion attempt: both models' figures on the labelled pairs."""
        return self.models_dir / "promotions"

    # -- what is published --------------------------------------------------------------------
    @property
    def warehouse(self) -> Path:
        return self.root / WAREHOUSE_FILE

    @property
    def analytics(self) -> Path:
        return self.root / ANALYTICS_FILE

    def publish_build_dir(self, token: str) -> Path:
        """Scratch folder where one publish builds both databases before they are swapped in."""
        return self.root / f"{PUBLISH_BUILD_PREFIX}{token}"

    def publish_build_dirs(self) -> list[Path]:
        """Every publish scratch folder present (a crashed publish leaves its own behind)."""
        return sorted(self.root.glob(f"{PUBLISH_BUILD_PREFIX}*"))

    @property
    def dbt_cache_dir(self) -> Path:
        """What dbt parsed of the warehouse project, kept across nights (a cache: parsing is
        most of dbt's fixed cost, and the project changes far less often than the data)."""
        return self.root / ".dbt"

    @property
    def spark_scratch(self) -> Path:
        """The Spark engine's scratch (``kernel.spark``): Splink's checkpoints and the Parquet
        files linkage hands Spark and gets back, each night's removed after it. Inside the data
        directory, so that it is as private as the data and seen wherever the data is."""
        return self.root / ".spark"

    @property
    def spark_warehouse(self) -> Path:
        """The warehouse as the Spark engine publishes it: one Parquet folder per table,
        ``<schema>/<table>/`` (analytics' schemas prefixed ``analytics_``)."""
        return self.root / "spark-warehouse"

    def reports(self, kind: str) -> Path:
        """Folder of one kind of report: ``quality``, ``metrics``, ``review``, ``data_docs``."""
        return self.root / "reports" / kind

    @property
    def access_audit_dir(self) -> Path:
        """Append-only log of every read of identified data."""
        return self.root / "audit" / "access"

    @property
    def run_lock(self) -> Path:
        """Held by the run writing this data directory (``kernel.runlock``)."""
        return self.root / ".run.lock"

    @property
    def secrets_dir(self) -> Path:
        """Where ``make demo`` keeps the random key it makes for its own data directory."""
        return self.root / "secrets"
