"""Onboarding on a scorecard dataset: the model fitted to the city's own nights, and the
promotion step's verdict on it.

What a new city does (issue 10, deliver 4): train a candidate on the mentions its first nights
landed (``matching.training``: u by sampling, m by EM, pinned levels kept), let the promotion
step compare it with the shipped model on labelled pairs — here the hand-built suite of hard
cases, as a city without reviewer decisions yet would — and link with whichever wins. The
scorecard reports the fitted model's figures whatever the verdict, beside the verdict.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any


def fitted(
    sources: Path, data: Path, first: date, last: date, suite: Path, root: Path
) -> dict[str, Any]:
    """Train on ``data`` (linked with the shipped model), relink every night with the
    candidate in a copy of the lake, score it, and judge it on the ``suite``."""
    from matching.evaluation import evaluate
    from matching.link import link_date
    from matching.model import newest_model_path
    from matching.promotion import compare
    from matching.training import train_model_from_lake
    from pipelines.model_promotion import suites_prepared
    from pipelines.run import days_between

    candidate = train_model_from_lake(data, last, root / "fitted-model.json")
    refit = root / "data-fitted"
    shutil.rmtree(refit, ignore_errors=True)
    shutil.copytree(data, refit, ignore=shutil.ignore_patterns("mpi"))
    for night in days_between(first, last):
        link_date(refit, night, candidate)
    with suites_prepared([suite]) as suites:
        verdict = compare(candidate, newest_model_path(), suites)
    return {
        "ours": evaluate(sources, refit)["overall"],
        "promoted": verdict.promoted,
        "verdict": verdict.reason,
    }
