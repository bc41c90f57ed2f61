"""``healtharchive model train|promote`` and the Airflow DAG ``linkage_model``: train a candidate
model on the city's lake, gather the labelled pairs and let ``matching.promotion`` judge the
candidate against the city's pinned one.

A suite (a sources folder with ``truth/record_person.csv``, like the hand-built hard cases in
``bench/scenarios``) is run through reference, extract and standardise into a throwaway data
root, night by night over the dates its file drops name, then linked with each model in turn
exactly as the nightly run links (``matching.link_date``): clustering, constraints and all.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from kernel.layout import Layout, partition_date
from matching.evaluation import evaluate
from matching.link import link_date
from matching.promotion import (
    Figures,
    Labelled,
    PromotionError,
    Verdict,
    city_mentions,
    labels_file,
    promote,
    reviewer_decisions,
)
from matching.training import train_model_from_lake
from pipelines.run import days_between, run_stage

SUITE_STAGES = ("reference", "extract", "standardise")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def newest_night(data: Path) -> date:
    nights = Layout(data).std_files("person_mention")
    if not nights:
        raise PromotionError(f"no std.person_mention under {data}: run some nights first")
    return partition_date(nights[-1])


def suite_dates(sources: Path) -> tuple[date, date]:
    """The first and last night a suite's file drops name (``<source>/<YYYY-MM-DD>/``)."""
    days = sorted(
        date.fromisoformat(p.name) for p in sources.glob("*/*") if p.is_dir() and _DAY.match(p.name)
    )
    if not days:
        raise PromotionError(
            f"{sources}: no dated file drops (<source>/<YYYY-MM-DD>/) in the suite"
        )
    return days[0], days[-1]


@dataclass
class Suite:
    """A suite's mentions standardised once; each model links them night by night as the
    nightly run would, and the clusters are scored pairwise against the truth."""

    name: str
    sources: Path
    standardised: Path  # a data root holding the suite's std tables
    first: date
    last: date

    def figures(self, model: Path) -> Figures:
        scratch = Path(tempfile.mkdtemp(prefix="suite-link-"))
        try:
            data = scratch / "data"
            shutil.copytree(self.standardised, data)
            for night in days_between(self.first, self.last):
                link_date(data, night, model)
            overall = evaluate(self.sources, data)["overall"]
            queued = len(pd.read_parquet(Layout(data).night("mpi.review_queue", self.last)))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        mentions = overall["mentions"]
        return Figures(
            matches=overall["true_pairs"],
            non_matches=mentions * (mentions - 1) // 2 - overall["true_pairs"],
            true_links=overall["true_positive_pairs"],
            false_links=overall["predicted_pairs"] - overall["true_positive_pairs"],
            review=queued,
        )


@contextmanager
def suites_prepared(paths: list[Path]) -> Iterator[list[Suite]]:
    """Each suite run through reference, extract and standardise into a throwaway data root
    over the nights its file drops name; removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="suites-"))
    try:
        suites = []
        for n, sources in enumerate(paths):
            if not (sources / "truth" / "record_person.csv").is_file():
                raise PromotionError(f"{sources}: a suite needs truth/record_person.csv")
            first, last = suite_dates(sources)
            data = scratch / f"suite-{n}"
            for night in days_between(first, last):
                for stage in SUITE_STAGES:
                    run_stage(stage, sources, data, night)
            suites.append(Suite(f"suite {sources.name}", sources, data, first, last))
        yield suites
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def train_candidate(
    data: Path, day: date | None = None, out: Path | None = None, seed: int = 42
) -> Path:
    """A candidate model trained on the person mentions current at ``day`` (default: the
    newest night), written among the city's candidates unless ``out`` says where."""
    return train_model_from_lake(data, day or newest_night(data), out, seed=seed)


def promote_candidate(
    data: Path,
    candidate: Path,
    day: date | None = None,
    labels: list[Path] = (),
    suites: list[Path] = (),
) -> Verdict:
    """Reviewer decisions, labels files over the city's mentions, and suites → a verdict."""
    mentions = city_mentions(data, day or newest_night(data))
    sets: list[Labelled] = [reviewer_decisions(data, mentions)]
    sets += [labels_file(path, mentions) for path in labels]
    with suites_prepared(list(suites)) as prepared:
        return promote(data, candidate, [*sets, *prepared])
