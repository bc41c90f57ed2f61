"""Errors of the publish stage: each says which model or input failed."""

from __future__ import annotations


class PublishError(RuntimeError):
    """The warehouse could not be built; the previously published files are untouched."""


class ModelError(PublishError):
    """One SQL model failed; ``model`` names it (``schema.model``)."""

    def __init__(self, model: str, reason: str) -> None:
        super().__init__(f"warehouse model {model} failed: {reason}")
        self.model = model


class InputError(PublishError):
    """A lake input the warehouse needs is missing or unreadable."""


class PseudonymKeyError(PublishError):
    """No pseudonymisation key is configured (env var or key file)."""


class DataTestError(PublishError):
    """A dbt test of the warehouse failed: ``test`` names it, ``model`` the model it tests."""

    def __init__(self, test: str, model: str | None, reason: str) -> None:
        super().__init__(f"warehouse test {test} (on {model or 'the project'}) failed: {reason}")
        self.test = test
        self.model = model
