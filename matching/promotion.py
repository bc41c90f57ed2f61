"""Promotion: a candidate model replaces the city's pinned one only when it is not worse.

Onboarding trains a candidate on the city's own first nights (``healtharchive model train`` →
``mpi/models/candidates/v<N>.json``). Before the nightly run scores with it, ``promote``
scores labelled pairs with both models and compares what each would link automatically:

- **reviewer decisions** (``mpi/decisions``): the city's own hard pairs, decided by people;
- **labels files**: the same shape (``mention_id_l``, ``mention_id_r``, ``decision``) over the
  city's mentions, e.g. a sample a reviewer worked through;
- **suites**: a separate population with a truth (the hand-built hard cases), linked night by
  night with each model as the nightly run would (clustering and its constraints included;
  ``pipelines.model_promotion``) and scored pairwise against the truth.

In the city's labelled pairs, a pair counts as linked when its match weight reaches the model's
automatic threshold (pairwise, before clustering: the two models meet the same pairs). The
candidate is not worse when it makes no more false links than the pinned model, pooled over
every labelled set, and its F1 is at least the pinned model's. Nothing labelled, nothing
promoted. Every attempt is recorded in ``mpi/models/promotions/`` with both models' figures,
whatever the verdict.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from kernel.atomic import write_text
from kernel.layout import Layout
from matching import decisions
from matching.features import build_features
from matching.inference import population_scaled, score_new
from matching.model import (
    MODELS_DIR,
    Model,
    load_model,
    next_model_path,
    pinned_model_path,
    save_model,
)
from schemas.tables import std_current_sql

log = logging.getLogger(__name__)

LABEL_COLUMNS = ("mention_id_l", "mention_id_r", "decision")


class Labelled(Protocol):
    """Something both models can be measured on: a name and what a model links in it."""

    name: str

    def figures(self, model: Path) -> Figures: ...


class PromotionError(ValueError):
    """Bad input to a promotion (an unreadable labels file, a candidate that is no model)."""


@dataclass(frozen=True)
class LabelledSet:
    """Mentions and labelled pairs among them. ``mentions`` are std.person_mention rows: the
    whole population, since stop lists and term frequencies come from it."""

    name: str
    mentions: pd.DataFrame
    labels: pd.DataFrame  # unique_id_l < unique_id_r, decision: match | non-match

    def figures(self, model: Path) -> Figures:
        return figures_on(load_model(model), self)


@dataclass
class Figures:
    """What one model links automatically among one set's labelled pairs."""

    matches: int = 0
    non_matches: int = 0
    true_links: int = 0
    false_links: int = 0
    review: int = 0  # pairs it would send to the review queue

    @property
    def precision(self) -> float:
        linked = self.true_links + self.false_links
        return self.true_links / linked if linked else 1.0

    @property
    def recall(self) -> float:
        return self.true_links / self.matches if self.matches else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            *(a + b for a, b in zip(asdict(self).values(), asdict(other).values(), strict=True))
        )

    def as_dict(self) -> dict:
        rounded = {k: round(getattr(self, k), 6) for k in ("precision", "recall", "f1")}
        return {**asdict(self), **rounded}


@dataclass
class Verdict:
    candidate: Path
    pinned: Path
    promoted: bool
    reason: str
    by_set: dict[str, dict[str, dict]] = field(default_factory=dict)
    pooled: dict[str, dict] = field(default_factory=dict)
    promoted_to: Path | None = None
    record: Path | None = None

    def render(self) -> str:
        lines = [f"candidate {self.candidate.name} vs pinned {self.pinned.name}: {self.reason}"]
        for name, models in {**self.by_set, "all labelled pairs": self.pooled}.items():
            for who, f in models.items():
                lines.append(
                    f"  {name:<24} {who:<9} P {f['precision']:.4f}  R {f['recall']:.4f}  "
                    f"F1 {f['f1']:.4f}  false links {f['false_links']}  of {f['matches']} "
                    f"matches, {f['non_matches']} non-matches"
                )
        if self.promoted_to:
            lines.append(f"promoted: the nightly run now scores with {self.promoted_to}")
        return "\n".join(lines)


def figures_on(model: Model, labelled: LabelledSet) -> Figures:
    """Score the labelled set's pairs with ``model`` (the nightly blocking, the model rescaled
    to the set's population) and count what it links automatically."""
    if labelled.labels.empty:
        return Figures()
    con = duckdb.connect()
    try:
        con.register("mentions_in", labelled.mentions)
        features = build_features(con, "mentions_in")
        ids = pd.DataFrame({"unique_id": pd.Series(_labelled_ids(labelled), dtype=object)})
        con.register("labelled_ids", ids)
        con.execute(f"""CREATE TABLE labelled_features AS SELECT * FROM {features}
                        WHERE unique_id IN (SELECT unique_id FROM labelled_ids)""")
        settings = population_scaled(
            model.settings, model.meta.get("mentions"), len(labelled.mentions)
        )
        score_new(con, settings, new="labelled_features", index=None, out="labelled_pairs")
        scored = con.sql("SELECT unique_id_l, unique_id_r, match_weight FROM labelled_pairs").df()
    finally:
        con.close()
    return _count(scored, labelled.labels, model)


def _labelled_ids(labelled: LabelledSet) -> list[str]:
    return sorted(set(labelled.labels["unique_id_l"]) | set(labelled.labels["unique_id_r"]))


def _count(scored: pd.DataFrame, labels: pd.DataFrame, model: Model) -> Figures:
    keys = ["unique_id_l", "unique_id_r"]
    joined = labels.drop_duplicates(keys).merge(scored, on=keys, how="left")
    weight = joined["match_weight"].fillna(float("-inf"))
    linked = weight >= model.thresholds.auto_match_weight
    queued = ~linked & (weight >= model.thresholds.review_match_weight)
    match = joined["decision"] == "match"
    return Figures(
        matches=int(match.sum()),
        non_matches=int((~match).sum()),
        true_links=int((linked & match).sum()),
        false_links=int((linked & ~match).sum()),
        review=int(queued.sum()),
    )


def compare(candidate: Path, pinned: Path, sets: list[Labelled]) -> Verdict:
    """Both models' figures on every labelled set, and whether the candidate is not worse."""
    models = {"candidate": candidate, "pinned": pinned}
    by_set: dict[str, dict[str, Figures]] = {}
    for labelled in sets:
        by_set[labelled.name] = {who: labelled.figures(m) for who, m in models.items()}
        log.info("promotion: measured both models on %s", labelled.name)
    pooled = {who: sum((f[who] for f in by_set.values()), Figures()) for who in models}
    promoted, reason = _judge(pooled["candidate"], pooled["pinned"])
    return Verdict(
        candidate, pinned, promoted, reason,
        by_set={n: {w: f.as_dict() for w, f in fs.items()} for n, fs in by_set.items()},
        pooled={w: f.as_dict() for w, f in pooled.items()},
    )  # fmt: skip


def _judge(candidate: Figures, pinned: Figures) -> tuple[bool, str]:
    if candidate.matches + candidate.non_matches == 0:
        return (
            False,
            "refused: no labelled pairs to compare on (decide review pairs or give a suite)",
        )
    if candidate.false_links > pinned.false_links:
        return False, (
            f"refused: {candidate.false_links} false links against the pinned model's "
            f"{pinned.false_links}"
        )
    if candidate.f1 < pinned.f1:
        return False, f"refused: F1 {candidate.f1:.4f} below the pinned model's {pinned.f1:.4f}"
    return True, (
        f"not worse: F1 {candidate.f1:.4f} vs {pinned.f1:.4f}, "
        f"false links {candidate.false_links} vs {pinned.false_links}"
    )


def promote(
    data: Path, candidate: Path, sets: list[Labelled], now: datetime | None = None
) -> Verdict:
    """Compare ``candidate`` with the city's pinned model; when it is not worse, make it the
    city's newest model (the nightly run scores with it from the next night). Recorded either
    way."""
    layout = Layout(data)
    if not candidate.is_file():
        raise PromotionError(f"no candidate model at {candidate}")
    verdict = compare(candidate, pinned_model_path(data), sets)
    now = now or datetime.now(UTC)
    if verdict.promoted:
        verdict.promoted_to = _install(layout, candidate, verdict, now)
    verdict.record = _record(layout, verdict, now)
    log.info("promotion of %s: %s", candidate.name, verdict.reason)
    return verdict


def _install(layout: Layout, candidate: Path, verdict: Verdict, now: datetime) -> Path:
    model = load_model(candidate)
    layout.models_dir.mkdir(parents=True, exist_ok=True)
    target = next_model_path(layout.models_dir, MODELS_DIR)
    meta = {
        **model.meta,
        "promoted_at": now.isoformat(timespec="seconds"),
        "promoted_over": verdict.pinned.name,
        "promotion": verdict.pooled,
    }
    return save_model(model.settings, meta, target)


def _record(layout: Layout, verdict: Verdict, now: datetime) -> Path:
    layout.model_promotions_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    path = layout.model_promotions_dir / f"{stamp}-{verdict.candidate.stem}.json"
    record = {
        "at": now.isoformat(timespec="seconds"),
        "candidate": str(verdict.candidate),
        "pinned": str(verdict.pinned),
        "promoted": verdict.promoted,
        "promoted_to": str(verdict.promoted_to) if verdict.promoted_to else None,
        "reason": verdict.reason,
        "by_set": verdict.by_set,
        "pooled": verdict.pooled,
    }
    write_text(path, json.dumps(record, indent=1) + "\n")
    return path


# -- labelled sets from a city's lake ------------------------------------------------------------
def city_mentions(data: Path, day: date) -> pd.DataFrame:
    """std.person_mention current at ``day`` in a data root."""
    con = duckdb.connect()
    try:
        return con.sql(std_current_sql(Layout(data), "person_mention", day)).df()
    finally:
        con.close()


def _label_frame(frame: pd.DataFrame) -> pd.DataFrame:
    left, right = frame["mention_id_l"].astype(str), frame["mention_id_r"].astype(str)
    return pd.DataFrame({
        "unique_id_l": left.where(left < right, right),
        "unique_id_r": right.where(left < right, left),
        "decision": frame["decision"],
    })  # fmt: skip


def reviewer_decisions(data: Path, mentions: pd.DataFrame) -> LabelledSet:
    """The city's reviewer decisions (the latest per pair) over its current mentions."""
    pairs = decisions.load(data).pairs
    known = set(mentions["mention_id"])
    pairs = pairs[pairs["unique_id_l"].isin(known) & pairs["unique_id_r"].isin(known)]
    labels = _label_frame(pairs.rename(columns={"unique_id_l": "mention_id_l",
                                                "unique_id_r": "mention_id_r"}))  # fmt: skip
    return LabelledSet("reviewer decisions", mentions, labels)


def labels_file(path: Path, mentions: pd.DataFrame) -> LabelledSet:
    """A CSV of labelled pairs (``mention_id_l``, ``mention_id_r``, ``decision``) over the
    city's mentions; pairs naming unknown mentions are an error, not silently dropped."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise PromotionError(f"{path}: cannot read labelled pairs ({exc})") from exc
    missing = [c for c in LABEL_COLUMNS if c not in frame.columns]
    if missing:
        raise PromotionError(f"{path}: missing column(s) {', '.join(missing)}")
    bad = sorted(set(frame["decision"]) - {"match", "non-match"})
    if bad:
        raise PromotionError(f"{path}: decision must be match or non-match, not {bad[:3]}")
    known = set(mentions["mention_id"])
    unknown = ~(frame["mention_id_l"].isin(known) & frame["mention_id_r"].isin(known))
    if unknown.any():
        raise PromotionError(
            f"{path}: {int(unknown.sum())} pair(s) name mentions not in the lake "
            f"(first at line {int(unknown.idxmax()) + 2})"
        )
    return LabelledSet(path.name, mentions, _label_frame(frame))
