"""``--engine spark``: Splink's Spark backend (``local[2]``) scores as DuckDB does.

One Spark session for the module (it starts in 6–15 s): a small simulated city's second night
linked on each engine must give the same residents, and the hand-worked pairs of
``test_comparisons`` (every DuckDB function the levels call: Hamming, Damerau-Levenshtein,
Jaro-Winkler, list overlaps, the bigram macro, date differences) the same scored pairs.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kernel.layout import Layout
from matching import link_date
from matching.features import build_features
from matching.inference import gamma_columns, score_new
from matching.model import load_model
from simulator.bulk import small_city, write_std
from tests.matching.matching_pairs import frame, mention
from tests.matching.test_comparisons import CASES

pytestmark = [pytest.mark.spark, pytest.mark.slow]

FIRST, NIGHT = date(2024, 3, 1), date(2024, 3, 2)
ENGINES = ("duckdb", "spark")


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small city's first night linked (DuckDB), then its second night on each engine (a
    data directory each): new mentions scored among themselves and against the index."""
    root = tmp_path_factory.mktemp("spark-city")
    mentions = small_city(150, seed=5, start=FIRST, nights=2).mentions
    write_std(mentions, root / "first")
    link_date(root / "first", FIRST)
    for engine in ENGINES:
        shutil.copytree(root / "first", root / engine)
        started = time.perf_counter()
        summary = link_date(root / engine, NIGHT, engine=engine)
        took = time.perf_counter() - started
        print(f"{engine}: {summary.new_mentions} new mentions, {summary.index_candidates} "
              f"index candidates, {summary.scored_pairs} pairs, {took:.1f} s")  # fmt: skip
    return root


def _links(data: Path, night: date) -> pd.DataFrame:
    links = pd.read_parquet(Layout(data).night("mpi.record_link", night))
    return links.sort_values("mention_id").reset_index(drop=True)


def test_same_residents_on_both_engines(linked: Path) -> None:
    duck, spark = (_links(linked / engine, NIGHT) for engine in ENGINES)
    assert len(duck) > 100 and duck["resident_id"].nunique() < len(duck)
    # every mention under the same resident id (so the same partition into residents), linked
    # the same way, with the same weight up to rounding
    pd.testing.assert_frame_equal(duck, spark, check_exact=False, rtol=1e-9)


def test_spark_leaves_no_scratch_behind(linked: Path) -> None:
    scratch = Layout(linked / "spark").spark_scratch
    assert not list(scratch.glob("link-*"))


def test_same_scored_pairs_on_both_engines() -> None:
    """Hand-worked pairs (``test_comparisons``), each pair's left mention new and its right
    one in the index, every pair compared (``1 = 1``): within and between, both engines."""
    rows = {"new": [], "index": []}
    for i, (_, left, right, _) in enumerate(CASES):
        rows["new"].append(mention(f"p{i:03d}a", **left))
        rows["index"].append(mention(f"p{i:03d}b", **right))
    con = duckdb.connect()
    con.register("m", frame(*rows["new"], *rows["index"]))
    build_features(con, "m")  # and the term-frequency lookups over all of them
    new_ids = tuple(r["mention_id"] for r in rows["new"])
    con.execute(f"CREATE TABLE new_m AS FROM mention_features WHERE unique_id IN {new_ids}")
    con.execute("CREATE TABLE index_m AS FROM mention_features EXCEPT FROM new_m")
    settings = load_model().settings
    scored = {}
    for engine in ENGINES:
        score_new(con, settings, new="new_m", index="index_m", out=f"pairs_{engine}",
                  blocking_rules=["1 = 1"], engine=engine)  # fmt: skip
        scored[engine] = con.sql(f"SELECT * FROM pairs_{engine}").df()
    duck, spark = scored["duckdb"], scored["spark"]
    assert len(duck) == len(CASES) * (len(CASES) - 1) // 2 + len(CASES) ** 2
    exact = ["unique_id_l", "unique_id_r", "new_id", "other_id", "between",
             *gamma_columns(settings)]  # fmt: skip
    pd.testing.assert_frame_equal(duck[exact], spark[exact], check_dtype=False)
    for column in ("match_weight", "match_probability"):
        assert duck[column].to_numpy() == pytest.approx(spark[column].to_numpy(), rel=1e-9)
