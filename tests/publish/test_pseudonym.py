"""The pseudonymisation key: from the environment or a key file, never built in."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.publish import PseudonymKeyError
from pipelines.publish.pseudonym import KEY_ENV, KEY_FILE_ENV, pseudonym_key, pseudonymise, register

KEY = "a-test-key-of-sufficient-length-32+"


def test_the_key_comes_from_the_environment() -> None:
    assert pseudonym_key({KEY_ENV: KEY}) == KEY.encode()


def test_the_key_comes_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text(KEY + "\n")  # the trailing newline an editor adds is not part of the key
    assert pseudonym_key({KEY_FILE_ENV: str(path)}) == KEY.encode()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, f"{KEY_ENV}.*{KEY_FILE_ENV}"),
        ({KEY_ENV: ""}, "no pseudonymisation key"),
        ({KEY_ENV: "short"}, "shorter than 32 bytes"),
        ({KEY_FILE_ENV: "/nonexistent/key"}, "not a readable file"),
    ],
)
def test_without_a_usable_key_publishing_stops(environ: dict, message: str) -> None:
    with pytest.raises(PseudonymKeyError, match=message):
        pseudonym_key(environ)


def test_pseudonyms_are_keyed_hmac_sha256() -> None:
    value = "11010519491231002X"
    expected = hmac.new(KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    assert pseudonymise(KEY.encode(), value) == expected
    assert pseudonymise(b"another-key-of-enough-length", value) != expected
    assert hashlib.sha256(value.encode()).hexdigest() != expected  # not a bare hash


def test_the_sql_function_agrees_and_keeps_null() -> None:
    with duckdb.connect() as con:
        register(con, KEY.encode())
        got = con.execute("SELECT pseudonym(v) FROM (VALUES ('a'), (NULL)) t(v)").fetchall()
    assert got == [(pseudonymise(KEY.encode(), "a"),), (None,)]


def test_the_sql_function_does_not_pull_in_pandas() -> None:
    # the publish process needs no pandas; DuckDB's Arrow functions import it on first call
    code = (
        "import sys, duckdb\n"
        "from pipelines.publish.pseudonym import register\n"
        "con = duckdb.connect()\n"
        f"register(con, {KEY.encode()!r})\n"
        "con.execute('SELECT pseudonym(range::VARCHAR) FROM range(5000)').fetchall()\n"
        "con.close()\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
