"""A dbt-duckdb plugin that gives every dbt connection the ``pseudonym()`` function.

DuckDB has no HMAC, so analytics' ``person_key`` (HMAC-SHA256 of the resident_id under the
managed key) is a Python function registered on the connection. The profile names this module
under ``plugins``; the key is read here from the environment (``pseudonym.pseudonym_key``), never
written into the profile.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from pipelines.publish import pseudonym


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.key = pseudonym.pseudonym_key()

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        pseudonym.register(conn, self.key)
