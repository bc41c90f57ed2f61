"""Exceptions of the extract stage: each names the delivery that failed and why."""

from __future__ import annotations


class ExtractError(Exception):
    """Something in the extract stage failed; the message names the input."""


class ReferenceDataError(ExtractError):
    """A reference CSV (institutions, population) does not match its contract."""


class DeliveryStopped(ExtractError):
    """One delivery cannot be loaded (incomplete, drifted, unreadable); the night goes on.

    ``status`` is the load-log status it gets (``incomplete`` or ``drift``).
    """

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
