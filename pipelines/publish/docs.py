"""Documentation of the warehouse for analysts: dbt's docs site, one self-contained HTML file.

``healtharchive docs --data DIR`` runs ``dbt docs generate --static`` on the project over copies
of the published databases (dbt-duckdb opens its database read-write; the published files stay
untouched) and writes ``DIR/reports/warehouse/index.html``: every model with its rule, columns,
tests and SQL, and the lineage graph from the lake sources to the published tables. The page
has the manifest and the catalogue (names, types, comments — no rows) inlined, so it opens
offline from the file system. dbt's page carries a usage tracker that loads a script from a CDN
when the manifest allows it; the project turns it off, this module also cuts the tracker out of
the page (``remove_tracker``), and ``check_offline`` refuses a page that would load anything from
the network. Links to websites stay (a link is not a fetch; the overview is ours, see
``warehouse/models/overview.md``).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import duckdb

from kernel.atomic import write_text
from kernel.layout import Layout
from pipelines.publish import dbt_run
from pipelines.publish.errors import PublishError

REPORT_KIND = "warehouse"
_MANIFEST = re.compile(r'"send_anonymous_usage_stats":\s*(true|false)')


def build_docs(data: Path) -> Path:
    """Write the docs site of the published warehouse under ``data``; returns its index.html."""
    layout = Layout(data)
    if not layout.warehouse.exists():
        raise PublishError(f"no published warehouse in {data}: run the nightly publish first")
    day = _as_of(layout.warehouse)
    with tempfile.TemporaryDirectory(prefix="healtharchive-docs-") as tmp:
        work = Path(tmp)
        warehouse, analytics = work / "warehouse.duckdb", work / "analytics.duckdb"
        shutil.copyfile(layout.warehouse, warehouse)
        if layout.analytics.exists():
            shutil.copyfile(layout.analytics, analytics)
        else:
            duckdb.connect(str(analytics)).close()
        profile = dbt_run.write_profile(work / "dbt", warehouse, analytics, pseudonyms=False)
        result = dbt_run.invoke(["docs", "generate", "--static"], profile, day)
        page = profile / "target" / "static_index.html"
        if not result.success or not page.exists():
            raise PublishError(f"dbt docs generate failed: {result.exception}")
        html = remove_tracker(page.read_text(encoding="utf-8"))
    check_offline(html)
    out = layout.reports(REPORT_KIND) / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_text(out, html)


# dbt-core 1.11's docs bundle: the switch that turns the tracker on, its script, its collector.
TRACKER = {
    "!0===e.track&&r.turn_on_tracking()": "!1",
    '"//d1fc8wv8zag5ca.cloudfront.net/2.9.0/sp.js"': '""',
    '"fishtownanalytics.sinter-collect.com"': '""',
}
_REMOTE = r"""["']?\s*(?:https?:)?//"""
# where a URL makes the browser fetch: a loading tag's src/href, a script's .src, CSS url()/@import
LOADERS = (
    re.compile(r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?"
               r"\b(?:src|href|data)\s*=\s*" + _REMOTE, re.I),
    re.compile(r"\.src\s*=\s*" + _REMOTE),
    re.compile(r"url\(\s*" + _REMOTE, re.I),
    re.compile(r"@import\s+(?:url\()?\s*" + _REMOTE, re.I),
)  # fmt: skip


def remove_tracker(html: str) -> str:
    """The page without dbt's usage tracker: never switched on, no script or collector named.
    A docs bundle of another dbt version fails here, to be checked before it is published."""
    for code, inert in TRACKER.items():
        if html.count(code) != 1:
            raise PublishError("dbt's docs page is not the one checked (its usage tracker moved)")
        html = html.replace(code, inert)
    return html


def check_offline(html: str) -> None:
    """The page must load nothing from the network and must not report usage."""
    for loader in LOADERS:
        found = loader.search(html)
        if found:
            raise PublishError(f"the docs page would load from the network: {found.group(0)}")
    if "cloudfront.net" in html or "sinter-collect" in html:
        raise PublishError("the docs page names dbt's usage tracker")
    flags = set(_MANIFEST.findall(html))
    if flags != {"false"}:
        raise PublishError("the docs page would send usage statistics (send_anonymous_usage_stats)")


def _as_of(warehouse: Path) -> date:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (day,) = con.execute("SELECT max(as_of_date) FROM ops.publish").fetchone()
    return day


def manifest_of(html: str) -> dict:
    """The manifest inlined in a static docs page (for tests and checks)."""
    found = re.search(r'manifest:(\{"metadata".*?\}),\s*catalog:', html, re.S)
    if not found:
        raise ValueError("no inlined manifest")
    return json.loads(found.group(1))
