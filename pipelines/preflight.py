"""Configuration checked before any stage runs: one clear error, nothing written.

A night that would fail at its last stage for want of a key, or write half a lake into a folder
it cannot finish, is refused before extract touches anything. ``check_configuration`` collects
every problem and raises one ``ConfigurationError`` listing them all. Front-end databases are
probed too: a URL that does not parse, or names an unset ``${VARIABLE}``, is a configuration
error; a database that does not answer within the timeout is only a warning for the nightly
run (that hospital's tables are marked incomplete and the rest of the night goes on) and an
error for ``healtharchive check``, which an operator runs when setting a hospital up.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from kernel.city import city
from kernel.layout import Layout

log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The run cannot start: the message lists every problem found."""


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_configuration(sources: Path, data: Path, *, strict_frontends: bool = False) -> Findings:
    """Check the key, the sources root, the data root and the front-end databases; raise
    ConfigurationError listing every problem, log the warnings, return both."""
    found = Findings()
    _check_key(found)
    _check_sources(Path(sources), found)
    _check_data(Path(data), found)
    if not found.problems:  # the reference list is readable: probe the hospitals it names
        _check_frontends(Path(sources), found, strict_frontends)
    for warning in found.warnings:
        log.warning("configuration: %s", warning)
    if found.problems:
        listed = "\n  ".join(found.problems)
        raise ConfigurationError(f"the run cannot start, nothing was written:\n  {listed}")
    return found


def _check_key(found: Findings) -> None:
    from pipelines.publish.errors import PseudonymKeyError
    from pipelines.publish.pseudonym import pseudonym_key

    try:
        pseudonym_key()
    except PseudonymKeyError as exc:
        found.problems.append(str(exc))


def _check_sources(sources: Path, found: Findings) -> None:
    if not sources.is_dir() or not os.access(sources, os.R_OK | os.X_OK):
        found.problems.append(f"sources root {sources} is not a readable folder")
        return
    institutions = sources / "reference" / "institutions.csv"
    if not institutions.is_file() or not os.access(institutions, os.R_OK):
        found.problems.append(f"{institutions} is missing or unreadable (the reference list)")


def _check_data(data: Path, found: Findings) -> None:
    existing = next((p for p in (data, *data.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        found.problems.append(f"data root {data}: {existing} is not a folder")
    elif not os.access(existing, os.W_OK | os.X_OK):
        found.problems.append(f"data root {data} is not writable ({existing} refuses writes)")
    elif Layout(data).lake.exists() and not os.access(Layout(data).lake, os.W_OK):
        found.problems.append(f"{Layout(data).lake} is not writable")


def _check_frontends(sources: Path, found: Findings, strict: bool) -> None:
    import sqlalchemy as sa

    from pipelines.extract.connectors import frontends
    from pipelines.extract.deliveries import expected_orgs, institutions

    timeout = city().frontend_connect_timeout_s
    for frontend in frontends(sources, expected_orgs(institutions(sources), "hospital")):
        if frontend.problem:
            found.problems.append(f"hospital {frontend.org_code}: {frontend.problem}")
            continue
        if frontend.path is not None:  # the spec's SQLite file: opened read-only by extract
            continue
        try:
            url = sa.make_url(frontend.url)
        except sa.exc.ArgumentError:
            found.problems.append(f"hospital {frontend.org_code}: the URL does not parse")
            continue
        problem = _probe(url, timeout)
        if problem:
            message = f"hospital {frontend.org_code} ({frontend.shown}): {problem}"
            (found.problems if strict else found.warnings).append(message)


def _probe(url: object, timeout: float) -> str:
    """Why the database at ``url`` cannot be used, or '' when it answers within ``timeout``."""
    import sqlalchemy as sa

    args = {"connect_timeout": max(1, round(timeout))} if url.get_backend_name() in (
        "postgresql", "mysql", "mariadb"
    ) else {}  # fmt: skip
    try:
        engine = sa.create_engine(url, connect_args=args)
        with engine.connect() as con:
            con.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any driver error means "cannot connect"
        return f"does not answer within {timeout:g} s ({type(exc).__name__})"
    return ""
