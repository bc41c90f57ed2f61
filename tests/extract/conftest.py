"""Fixtures of the extract tests: the real database servers (``servers.py``)."""

from tests.extract.servers import mariadb, postgresql, server  # noqa: F401 — fixtures
