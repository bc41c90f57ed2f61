"""The review queue for people: an offline HTML page to decide pairs, and applying decisions.

``build_review_page(data)`` writes ``data/reports/review/review-<D>.html`` for the newest
night: every queued pair side by side with each field's comparison level and the match
weight, and a form that exports the decisions CSV. The page is restricted (it shows
identities, which a reviewer needs) and self-contained: no network, no external assets.

``apply_decisions(data, csv)`` validates that CSV and stores it under ``data/mpi/decisions/``;
the next ``link_date`` replays every stored decision and they win over the model forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from kernel.layout import Layout, partition_date
from matching import decisions, index
from matching.evaluation import newest_crosswalk
from schemas.tables import std_current_sql

MAX_PAIRS_ON_PAGE = 2000
TEMPLATES = Path(__file__).parent / "templates"

# (label on the page, person_mention column, the queue's level column)
FIELDS = (
    ("name", "name", "name_level"),
    ("ID number", "id_no", "id_no_level"),
    ("ID type", "id_type", None),
    ("birth date", "birth_date", "birth_date_level"),
    ("sex", "sex_code", "sex_level"),
    ("phone", "phone", "phone_level"),
    ("address", "address", "address_level"),
    ("district", "district_code", "district_level"),
    ("mother's ID number", "mother_id_no", "mother_level"),
    ("mother's name", "mother_name", None),
    ("role", "role", None),
    ("record", "dataset", None),
    ("institution", "org_code", None),
    ("service date", "event_date", None),
)


def review_dir(data: Path) -> Path:
    return Layout(data).reports("review")


def build_review_page(data: Path, accessed_by: str = "unknown") -> Path:
    """Write the review page of the newest night's queue; returns its path. The page shows
    identities, so every resident on it is written to the access audit first."""
    from kernel.reporting import render, write_html

    data = Path(data)
    day = partition_date(newest_crosswalk(data))
    queue_path = index.night_path(data, day, index.QUEUE)
    queue = pd.read_parquet(queue_path) if queue_path.exists() else pd.DataFrame()
    shown = queue.head(MAX_PAIRS_ON_PAGE)
    _audit(data, "review_page", shown, accessed_by, day)
    people = _identities(data, day, shown)
    html = render(
        "review.html.j2", TEMPLATES, title="Linkage review queue · 主索引人工审核",
        subtitle=f"night {day} · restricted: identities shown to authorised reviewers",
        generated_note=f"review queue of {day}", day=day, total=len(queue),
        shown=len(shown), pairs=[_pair(row, people) for row in shown.to_dict("records")],
    )  # fmt: skip
    return write_html(review_dir(data) / f"review-{day}.html", html)


def _identities(data: Path, day: date, queue: pd.DataFrame) -> pd.DataFrame:
    """The current person_mention rows of every mention in ``queue``, by mention_id."""
    ids = pd.DataFrame(
        {
            "mention_id": pd.concat(
                [
                    queue.get("mention_id_l", pd.Series(dtype=str)),
                    queue.get("mention_id_r", pd.Series(dtype=str)),
                ]
            ).unique()
        }
    )
    if ids.empty:
        return pd.DataFrame(columns=["mention_id"]).set_index("mention_id")
    con = duckdb.connect()
    try:
        con.register("_ids", ids)
        current = std_current_sql(Layout(data), "person_mention", day)
        frame = con.sql(f"""SELECT * FROM ({current})
                            WHERE mention_id IN (SELECT mention_id FROM _ids)""").df()
    finally:
        con.close()
    return frame.set_index("mention_id")


def _pair(row: dict, people: pd.DataFrame) -> dict:
    left = people.loc[row["mention_id_l"]] if row["mention_id_l"] in people.index else {}
    right = people.loc[row["mention_id_r"]] if row["mention_id_r"] in people.index else {}
    rows = []
    for label, column, level in FIELDS:
        a, b = _text(_get(left, column)), _text(_get(right, column))
        rows.append(
            {
                "field": label,
                "left": a,
                "right": b,
                "differs": a != b,
                "level": row.get(level, "") if level else "",
            }
        )
    return {**row, "rows": rows}


def _get(record: pd.Series | dict, column: str) -> object:
    return record.get(column) if len(record) else None


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


@dataclass(frozen=True)
class ApplySummary:
    """What ``apply_decisions`` recorded (printed by ``healtharchive review apply``)."""

    stored: Path
    decisions: int
    matches: int
    non_matches: int
    in_queue: int
    already_applied: bool

    def __str__(self) -> str:
        if self.already_applied:
            return f"these {self.decisions} decisions were applied before: {self.stored}"
        return (
            f"{self.decisions} decisions stored ({self.matches} match, {self.non_matches} "
            f"non-match; {self.in_queue} from the current queue) in {self.stored}; "
            "the next run replays them"
        )

    def __rich__(self) -> str:  # the CLI prints the summary with rich
        return str(self)


def apply_decisions(data: Path, decisions_csv: Path, applied_by: str = "unknown") -> ApplySummary:
    """Validate a reviewers' decisions CSV and store it for every later run.

    Raises ``matching.decisions.DecisionError`` (listing each bad line) and stores nothing
    when a row is invalid: unknown decision, empty reviewer or reason, a pair id that does not
    belong to its two mentions, a mention not in the index, or one pair decided both ways.
    """
    data = Path(data)
    crosswalk = newest_crosswalk(data)
    links = pd.read_parquet(crosswalk, columns=["mention_id", "resident_id"])
    frame = decisions.validate(
        decisions.read_csv(decisions_csv), decisions_csv, set(links["mention_id"])
    )
    where = links.set_index("mention_id")["resident_id"]
    decided = frame.assign(
        resident_id_l=frame["mention_id_l"].map(where),
        resident_id_r=frame["mention_id_r"].map(where),
    )
    _audit(data, "review_apply", decided, applied_by, partition_date(crosswalk))
    stored = decisions.store(data, frame)
    queue_path = index.night_path(data, partition_date(crosswalk), index.QUEUE)
    queued = (
        set(pd.read_parquet(queue_path, columns=["pair_id"])["pair_id"])
        if queue_path.exists()
        else set()
    )
    return ApplySummary(
        stored=stored.path, decisions=len(frame),
        matches=int((frame["decision"] == "match").sum()),
        non_matches=int((frame["decision"] == "non-match").sum()),
        in_queue=int(frame["pair_id"].isin(queued).sum()),
        already_applied=stored.already_applied,
    )  # fmt: skip


def _audit(data: Path, action: str, pairs: pd.DataFrame, who: str, day: date) -> None:
    """One access-audit line per resident a review page shows or a decision touches."""
    from kernel.audit import Access, record_access

    residents = sorted(
        {r for col in ("resident_id_l", "resident_id_r") for r in pairs.get(col, []) if r}
    )
    accesses = [Access(action, "queue", r, "found", "html" if action == "review_page" else "csv")
                for r in residents]  # fmt: skip
    if accesses:
        record_access(data, accesses, who, day)
