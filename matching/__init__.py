"""Record linkage: person mentions → persistent resident ids (the master person index).

Public steps (plain functions over paths and a date; the CLI and Airflow call them):
``link_date`` (nightly, incremental, pinned model), ``train_model`` / ``train_model_from_lake``
(offline), ``evaluate`` (against a simulated city's truth), and for reviewers
``matching.review.build_review_page`` / ``apply_decisions``. Splink is imported only when one
of them is called. See docs/linkage.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.evaluation import evaluate
    from matching.link import LinkSummary, link_date
    from matching.training import train_model, train_model_from_lake

__all__ = ["LinkSummary", "evaluate", "link_date", "train_model", "train_model_from_lake"]

_HOMES = {
    "link_date": "matching.link",
    "LinkSummary": "matching.link",
    "train_model": "matching.training",
    "train_model_from_lake": "matching.training",
    "evaluate": "matching.evaluation",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'matching' has no attribute {name!r}")
