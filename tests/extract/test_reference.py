"""load_reference: reference CSVs into the lake, typed by their contracts."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kernel.layout import Layout
from pipelines.extract import ReferenceDataError, load_reference
from tests.publish.scenario import INSTITUTIONS, POPULATION
from tests.publish.tiny_lake import write_reference_csv


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    write_reference_csv(
        root, "institutions", [*INSTITUTIONS, {**INSTITUTIONS[0], "org_code": "007"}]
    )
    write_reference_csv(root, "population", POPULATION)
    return root


def test_reference_csvs_become_typed_parquet(sources: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    load_reference(sources, data)
    institutions = pq.read_table(Layout(data).reference("institutions"))
    population = pq.read_table(Layout(data).reference("population"))
    assert institutions.num_rows == 4 and "007" in institutions.column("org_code").to_pylist()
    assert str(population.schema.field("year").type) == "int64"
    assert str(population.schema.field("district_code").type) == "string"
    assert sum(population.column("resident_population").to_pylist()) == 900 + 1000 + 1800 + 2000


def test_rerunning_replaces_the_copy(sources: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    load_reference(sources, data)
    write_reference_csv(sources, "population", POPULATION[:1])
    load_reference(sources, data)
    assert pq.read_table(Layout(data).reference("population")).num_rows == 1


def test_a_utf8_bom_is_accepted(sources: Path, tmp_path: Path) -> None:
    path = sources / "reference" / "population.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    load_reference(sources, tmp_path / "data")
    assert pq.read_table(Layout(tmp_path / "data").reference("population")).num_rows == 4


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{k: v for k, v in POPULATION[0].items() if k != "year"}], r"missing columns \['year'\]"),
        ([{**POPULATION[0], "extra": "x"}], r"unexpected columns \['extra'\]"),
        ([{**POPULATION[0], "district_name": ""}], "district_name is empty in 1 rows"),
        ([{**POPULATION[0], "resident_population": "many"}], r"population\.csv"),
    ],
)
def test_a_reference_file_off_its_contract_is_refused(
    sources: Path, tmp_path: Path, rows: list[dict], message: str
) -> None:
    write_reference_csv(sources, "population", rows)
    with pytest.raises(ReferenceDataError, match=message):
        load_reference(sources, tmp_path / "data")


def test_a_missing_reference_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match=r"institutions\.csv"):
        load_reference(tmp_path, tmp_path / "data")
