"""The I/O floor (``bench._floor``) reads exactly the rows the pipeline reads.

The floor is the yardstick every stage of ``python -m bench scale`` is divided by: if it read
fewer rows than the extract stage (a late row, a second change-time column, a file drop it does
not know), every multiple would flatter the pipeline. The session's small simulated city has
run every night, so its load log says what each night delivered.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench._floor import io_floor
from kernel.layout import Layout
from tests.publish.simulated_city import LAST, START

pytestmark = pytest.mark.slow


def _delivered(data: Path, night: object) -> int:
    path = Layout(data).night("ops.load_log", night)
    sql = f"SELECT sum(rows_delivered) FROM read_parquet('{path}')"
    return int(duckdb.sql(sql).fetchall()[0][0])


def test_the_floor_of_a_night_counts_the_rows_its_extract_delivered(
    small_city: tuple[Path, Path],
) -> None:
    sources, data = small_city
    for night in (START, LAST):
        floor = io_floor(sources, night, night)
        assert floor.rows == _delivered(data, night) > 0


def test_the_floor_of_a_range_is_its_nights_together(small_city: tuple[Path, Path]) -> None:
    sources, data = small_city
    floor = io_floor(sources, START, LAST)
    assert floor.rows == _delivered(data, START) + _delivered(data, LAST)
    assert floor.files > 0 and floor.measured.wall_s > 0
