"""Records waiting to be delivered, keyed by the simulated day they reach the platform.

Every generated row carries ``_org`` (institution index) and ``_when`` (local seconds of its
``updated_at`` / ``exported_at``). :meth:`Outbox.put` files it under its delivery day; a day on
which the institution delivers nothing moves it to the next open day with a fresh timestamp,
and a row due after the last simulated day is never delivered (the window ends first).
Memory holds only rows still in flight (late uploads, discharges, corrections).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from simulator.clock import DAY, HOUR


class Outbox:
    def __init__(self, start: int, days: int, next_open: np.ndarray) -> None:
        self.start, self.days, self.next_open = start, days, next_open
        self._due: dict[int, list[tuple[str, pd.DataFrame]]] = defaultdict(list)
        self.today = 0  # days before this one are already written

    def put(self, dataset: str, rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        """File ``rows`` for delivery; returns the rows kept, with their final ``_when``."""
        if rows.empty:
            return rows
        when = rows["_when"].to_numpy(np.int64)
        org = rows["_org"].to_numpy(np.int64)
        due = when // DAY - self.start
        open_day = self.next_open[org, np.clip(due, self.today, self.days)]
        moved = open_day != due
        catch_up = (self.start + open_day) * DAY + rng.integers(HOUR, 5 * HOUR, len(rows))
        rows = rows.assign(_when=np.where(moved, catch_up, when), _day=open_day)
        rows = rows[rows["_day"] < self.days]
        for t, part in rows.groupby("_day", sort=True):
            self._due[int(t)].append((dataset, part.drop(columns="_day")))
        return rows.drop(columns="_day")

    def take(self, t: int) -> dict[str, pd.DataFrame]:
        """Everything delivered on simulated day ``t``, per dataset, in a stable order."""
        batches = self._due.pop(t, [])
        self.today = t + 1
        by_dataset: dict[str, list[pd.DataFrame]] = defaultdict(list)
        for dataset, part in batches:
            by_dataset[dataset].append(part)
        return {
            name: pd.concat(parts, ignore_index=True) for name, parts in sorted(by_dataset.items())
        }
