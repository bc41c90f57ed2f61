"""Where each hospital's front-end database (前置库) is: one database URL per institution.

SOURCES.md places a SQLite file at ``hospital/<org_code>/frontend.sqlite``; a real hospital may
run PostgreSQL or MySQL instead. Any SQLAlchemy URL works. For each institution the first of
these wins (see docs/sources.md):

1. the environment variable ``HEALTHARCHIVE_FRONTEND_URL_<ORG>`` (org code upper-cased, every
   character other than A–Z and 0–9 as ``_``: ``320508-T001`` → ``…_URL_320508_T001``);
2. the YAML file named by ``HEALTHARCHIVE_FRONTENDS_FILE``, mapping org codes to URLs; a
   ``${NAME}`` in a URL is replaced by that environment variable, so the file need not hold
   a password;
3. ``<sources>/hospital/<org_code>/frontend.sqlite``, opened read-only.

In the file an entry may also be a mapping, ``{url: …, connect_timeout_s: …,
statement_timeout_s: …}``, to give one hospital its own limits instead of the city's
(``kernel.city``: ``frontend_connect_timeout_s``, ``frontend_statement_timeout_s``).

Credentials never appear in code, logs, the load log or lineage: lineage names a configured
front end as ``frontend:<org_code>`` and messages show URLs with the password hidden.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
import yaml

from pipelines.extract.errors import ExtractError
from pipelines.extract.session import Limits

URL_ENV_PREFIX = "HEALTHARCHIVE_FRONTEND_URL_"
URLS_FILE_ENV = "HEALTHARCHIVE_FRONTENDS_FILE"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Frontend:
    """One institution's front-end database."""

    org_code: str
    url: str  # may hold a password: never log it, use ``shown``
    label: str  # what lineage (source_file) calls it, without credentials
    problem: str = ""  # why it cannot be used (an unset ${NAME}), else empty
    path: Path | None = None  # the spec's SQLite file, when not configured otherwise
    limits: Limits = field(default_factory=Limits.from_city)

    @property
    def shown(self) -> str:
        try:
            return sa.make_url(self.url).render_as_string(hide_password=True)
        except sa.exc.ArgumentError:
            return "<malformed database URL>"


def env_name(org_code: str) -> str:
    return URL_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", org_code.upper())


def sqlite_uri(path: Path) -> str:
    """A read-only SQLite URI for a file: extraction must never write to a source. The path is
    percent-encoded, so that a folder named with ``#``, ``?`` or ``&`` (an org code) cannot cut
    the URI short or add options such as ``mode=rwc``."""
    return f"file:{quote(str(path))}?mode=ro"


def sqlite_url(path: Path) -> str:
    """The same as a SQLAlchemy URL, for display (``Session`` opens the URI itself)."""
    return f"sqlite:///{sqlite_uri(path)}&uri=true"


def configured_urls(environ: Mapping[str, str]) -> dict[str, str]:
    """org_code → URL from the file named by HEALTHARCHIVE_FRONTENDS_FILE (empty if unset)."""
    return {org: entry["url"] for org, entry in _configured(environ).items()}


def _configured(environ: Mapping[str, str]) -> dict[str, dict]:
    """org_code → {url, and any limits of its own} from the front-ends file."""
    name = environ.get(URLS_FILE_ENV)
    if not name:
        return {}
    path = Path(name)
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ExtractError(f"{URLS_FILE_ENV}={path}: cannot read ({type(exc).__name__})") from exc
    if not isinstance(body, dict):
        raise ExtractError(f"{URLS_FILE_ENV}={path}: expected a mapping of org_code to URL")
    entries = {}
    for org, value in body.items():
        entry = {"url": value} if isinstance(value, str) else value
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ExtractError(f"{URLS_FILE_ENV}={path}: expected a mapping of org_code to URL")
        unknown = set(entry) - {"url", *_LIMIT_KEYS}
        if unknown:
            raise ExtractError(f"{URLS_FILE_ENV}={path}: {org}: unknown keys {sorted(unknown)}")
        for key in set(entry) & set(_LIMIT_KEYS):
            if not isinstance(entry[key], int | float) or entry[key] <= 0:
                raise ExtractError(f"{URLS_FILE_ENV}={path}: {org}: {key} is not seconds > 0")
        entries[str(org)] = entry
    return entries


_LIMIT_KEYS = {"connect_timeout_s": "connect_s", "statement_timeout_s": "statement_s"}


def _limits(entry: dict) -> Limits:
    """The city's limits, with what the front-ends file sets for this hospital."""
    given = {_LIMIT_KEYS[k]: float(v) for k, v in entry.items() if k in _LIMIT_KEYS}
    return replace(Limits.from_city(), **given)


def _expand(url: str, environ: Mapping[str, str]) -> tuple[str, str]:
    """(URL with ${NAME} replaced, problem) — an unset NAME is a problem, not an empty string."""
    unset = [n for n in _PLACEHOLDER.findall(url) if n not in environ]
    if unset:
        return url, f"front-end URL needs environment variable(s) {', '.join(unset)}, not set"
    return _PLACEHOLDER.sub(lambda m: environ[m[1]], url), ""


def frontends(
    sources: Path, orgs: Iterable[str], environ: Mapping[str, str] | None = None
) -> list[Frontend]:
    """The front end of every hospital expected (``orgs``), found on disk or configured."""
    environ = os.environ if environ is None else environ
    configured = _configured(environ)
    from_env = {
        k[len(URL_ENV_PREFIX) :]: v for k, v in environ.items() if k.startswith(URL_ENV_PREFIX)
    }
    on_disk = {p.parent.name for p in (sources / "hospital").glob("*/frontend.sqlite")}
    found = []
    for org in sorted(set(orgs) | on_disk | set(configured)):
        entry = configured.get(org, {})
        url = from_env.get(env_name(org)[len(URL_ENV_PREFIX) :]) or entry.get("url")
        if url:
            expanded, problem = _expand(url, environ)
            limits = _limits(entry)
            found.append(Frontend(org, expanded, f"frontend:{org}", problem, limits=limits))
        else:
            db = sources / "hospital" / org / "frontend.sqlite"
            found.append(Frontend(org, sqlite_url(db), f"hospital/{org}/frontend.sqlite", path=db))
    return found
