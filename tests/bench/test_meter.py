"""Per-stage measurement (``bench._meter``): what ``run_date``'s ``on_stage`` calls feed."""

from __future__ import annotations

import time

from bench._meter import Measured, StageTable, meter


def test_switch_closes_the_previous_stage_and_labels_each_call() -> None:
    table = StageTable()
    table.switch("extract", night=1)
    table.switch("link", night=1)
    table.close()
    table.close()  # closing twice records nothing more
    table.switch("extract", night=2)
    table.close()
    assert [(c["stage"], c["night"]) for c in table.calls] == [
        ("extract", 1),
        ("link", 1),
        ("extract", 2),
    ]
    assert list(table.stages) == ["extract", "link"]


def test_totals_add_times_and_keep_the_largest_peak() -> None:
    table = StageTable()
    table.stages = {"a": Measured(1.0, 0.5, 100.0), "b": Measured(2.0, 1.5, 300.0)}
    total = table.total()
    assert (total.wall_s, total.cpu_s, total.peak_rss_mib) == (3.0, 2.0, 300.0)


def test_a_metered_block_has_wall_cpu_and_a_peak() -> None:
    with meter(interval=0.01) as m:
        time.sleep(0.05)
        sum(range(200_000))
    assert m.wall_s >= 0.05
    assert m.cpu_s > 0
    assert m.peak_rss_mib > 10  # this Python process itself
