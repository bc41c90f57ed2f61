"""The validate stage's view of extract's load log: what each org delivered, per dataset.

Extract writes one load-log row per delivery (``ops.load_log``) with rows_delivered,
rows_accepted, rows_quarantined and a status. From it come the checks with engine
``load_log``: raw rows reconcile with the log, the quarantined share (a warning past a few
percent, fatal past half the delivery: extract quarantines rows missing required fields, so
this is where "too many rows fail required fields" shows), deliveries extract had to stop
(incomplete, drifted) and deliveries that never came.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kernel.layout import Layout
from quality.raw import DatasetNight
from quality.registry import checks
from quality.results import COUNT_COLUMNS
from schemas.contracts import Contract


def read_load_log(data: Path, day: date) -> pd.DataFrame | None:
    """The night's load log, one row per delivery, or None if extract wrote none."""
    path = Layout(data).night("ops.load_log", day)
    if not path.exists():
        return None
    frame = pd.read_parquet(path)
    # tolerate both dataset spellings: "patient" and "hospital.patient"
    frame["dataset"] = frame["dataset"].astype(str).str.split(".").str[-1]
    frame["org_code"] = frame["org_code"].astype(str)
    return frame.fillna({"rows_delivered": 0, "rows_quarantined": 0, "status": ""})


def logged_for(load_log: pd.DataFrame | None, contract: Contract) -> pd.DataFrame | None:
    """Per org of one dataset: rows delivered and quarantined, deliveries, stopped, missing."""
    if load_log is None:
        return None
    same_source = load_log[load_log["source"] == contract.source]
    mine = same_source[same_source["dataset"] == contract.name]
    passing = set(checks()["delivery_not_stopped"].params["passing_statuses"])
    failing = set(checks()["delivery_present"].params["failing_statuses"])
    # a file drop lists only the record types the institution had that night: a missing file
    # counts as a missing delivery only when nothing at all came from the org's system
    arrived = set(same_source.loc[~same_source["status"].isin(failing), "org_code"])
    mine = mine.assign(
        deliveries=1,
        stopped=~mine["status"].isin(passing),
        missing=mine["status"].isin(failing) & ~mine["org_code"].isin(arrived),
    )
    columns = ["rows_delivered", "rows_quarantined", "deliveries", "stopped", "missing"]
    return mine.groupby("org_code")[columns].sum().astype(np.int64)


def expected_rows(logged: pd.DataFrame, orgs: list[str]) -> int:
    """Rows the log says reached the raw lake for these orgs: delivered less quarantined."""
    kept = logged.reindex(orgs, fill_value=0)
    return int((kept["rows_delivered"] - kept["rows_quarantined"]).sum())


def _rows(orgs: list[str], check_code: str, checked: object, failed: object) -> pd.DataFrame:
    frame = {"org_code": orgs, "check_code": check_code, "field": "", "checked": checked}
    return pd.DataFrame({**frame, "failed": failed}, columns=COUNT_COLUMNS)


def load_log_counts(night: DatasetNight, logged: pd.DataFrame | None) -> pd.DataFrame:
    """The load_log checks of one dataset, per org that has a raw file or a log row."""
    if logged is None:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    orgs = sorted(set(night.orgs) | set(logged.index))
    log = logged.reindex(orgs, fill_value=0)
    expected = (log["rows_delivered"] - log["rows_quarantined"]).to_numpy(np.int64)
    raw = np.array([night.raw_rows.get(o, 0) for o in orgs], dtype=np.int64)
    return pd.concat(
        [
            # a raw file nobody logged fails whole; so does a logged delivery with no raw file
            _rows(
                orgs, "row_count_matches_load_log", np.maximum(expected, raw), abs(expected - raw)
            ),
            _rows(orgs, "rows_quarantined", log["rows_delivered"], log["rows_quarantined"]),
            _rows(orgs, "delivery_readable", log["rows_delivered"], log["rows_quarantined"]),
            _rows(orgs, "delivery_not_stopped", log["deliveries"], log["stopped"]),
            _rows(orgs, "delivery_present", log["deliveries"], log["missing"]),
        ],
        ignore_index=True,
    )
