"""Test-wide setup: Airflow must see a throwaway AIRFLOW_HOME before anything imports it."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="healtharchive-airflow-"))
os.environ.setdefault("HEALTHARCHIVE_PSEUDONYM_KEY", "test-only-key-not-a-secret")
