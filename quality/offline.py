"""Make a generated GE Data Docs site self-contained: no page may load anything over the network.

As generated, the pages pull bootstrap, jQuery, bootstrap-table, a datepicker, Vega and Font
Awesome from CDNs and a logo from S3 (STACK-NOTES). Here every such reference is either pointed
at a local copy or dropped:

- jQuery 3.7.1, Bootstrap 4.5 (its bundle includes Popper) and Font Awesome 6 are copied from
  the pip-installed XStatic packages into ``static/vendor/``;
- the logo comes from GE's own static images;
- bootstrap-table has no Python distribution: a small local stand-in (``static/
  bootstrap-table-lite.js``) renders the index table's rows, without sorting or filters;
- Vega, the datepicker and the dark-mode sheet are dropped: validation pages of the generated
  suites draw no charts, and the datepicker only served bootstrap-table's filters.

Whatever remains that would load over http(s) fails the build (``external_loads``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

STATIC = Path(__file__).parent / "static"
VENDOR = "static/vendor"

# a load: src= or href= with a URL, CSS url(...) and @import
_LOAD = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?|@import\s+(?:url\(\s*)?["']?)(https?://[^"')\s>]+)""",
    re.IGNORECASE,
)
_TAG = re.compile(
    r"<(script|link)\b[^>]*?(?:src|href)\s*=\s*\"(https?://[^\"]+)\"[^>]*>(?:\s*</script>)?", re.I
)
_ANCHOR = re.compile(r"<a\b([^>]*?)\s+href\s*=\s*\"https?://[^\"]*\"", re.I)
_S3_IMAGE = re.compile(
    r"https://great-expectations-web-assets\.s3[^\"')\s]*?/([\w.-]+\.png)(?:\?[^\"')\s]*)?"
)
_FOOTER = re.compile(r"<footer>.*?</footer>", re.S | re.I)

# CDN asset (matched by a fragment of its URL) → local file under static/, or None to drop it
_ASSETS: tuple[tuple[str, str | None], ...] = (
    ("jquery", f"{VENDOR}/jquery/jquery.min.js"),
    ("bootstrap/4.3.1/css/bootstrap.min.css", f"{VENDOR}/bootstrap/css/bootstrap.min.css"),
    ("bootstrap/4.3.1/js/bootstrap.min.js", f"{VENDOR}/bootstrap/js/bootstrap.bundle.min.js"),
    ("font-awesome", f"{VENDOR}/font_awesome/css/all.min.css"),
    ("bootstrap-table.min.js", "static/bootstrap-table-lite.js"),
    ("bootstrap-table.min.css", "static/offline.css"),
    ("popper", None),
    ("filter-control", None),
    ("bootstrap-datepicker", None),
    ("bootstrap-dark", None),
    ("npm/vega", None),
)


class OfflineError(RuntimeError):
    """A Data Docs file would still load something over the network."""


def _xstatic_dirs() -> dict[str, Path]:
    import xstatic.pkg.bootstrap as bootstrap
    import xstatic.pkg.font_awesome as font_awesome
    import xstatic.pkg.jquery as jquery

    return {
        "jquery": Path(jquery.BASE_DIR),
        "bootstrap": Path(bootstrap.BASE_DIR),
        "font_awesome": Path(font_awesome.BASE_DIR),
    }


def bundle_assets(site: Path) -> None:
    """Copy the third-party assets the pages need, and our own stand-ins, into ``site/static``."""
    sources = _xstatic_dirs()
    vendor = site / VENDOR
    shutil.copy2(sources["jquery"] / "jquery.min.js", _mkdir(vendor / "jquery") / "jquery.min.js")
    for part in ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js"):
        target = vendor / "bootstrap" / part
        shutil.copy2(sources["bootstrap"] / part, _mkdir(target.parent) / target.name)
    awesome = vendor / "font_awesome"
    shutil.copy2(
        sources["font_awesome"] / "css" / "all.min.css", _mkdir(awesome / "css") / "all.min.css"
    )
    shutil.copytree(sources["font_awesome"] / "webfonts", awesome / "webfonts", dirs_exist_ok=True)
    if (sources["font_awesome"] / "LICENSE.txt").exists():
        shutil.copy2(sources["font_awesome"] / "LICENSE.txt", awesome / "LICENSE.txt")
    for name in ("bootstrap-table-lite.js", "offline.css"):
        shutil.copy2(STATIC / name, site / "static" / name)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_asset(url: str) -> tuple[bool, str | None]:
    for fragment, local in _ASSETS:
        if fragment in url:
            return True, local
    return False, None


def _image(match: re.Match[str], root: str, site: Path) -> str:
    name = match.group(1)
    local = f"static/images/{name}"
    return f"{root}/{local}" if (site / local).exists() else f"{root}/static/images/logo-long.png"


def rewrite(text: str, root: str, site: Path) -> str:
    """A page or stylesheet with each network load pointed at ``root``-relative copies, or gone."""

    def tag(match: re.Match[str]) -> str:
        known, local = _local_asset(match.group(2))
        if not known:
            return match.group(0)
        if local is None:
            return ""
        return match.group(0).replace(match.group(2), f"{root}/{local}")

    text = _TAG.sub(tag, text)
    text = _S3_IMAGE.sub(lambda m: _image(m, root, site), text)
    text = _FOOTER.sub("", text)  # only GE's newsletter link lives there
    return _ANCHOR.sub(r"<a\1", text)  # outbound links become plain text


def make_offline(site: Path) -> None:
    """Bundle the assets and rewrite every HTML page and stylesheet of ``site`` in place."""
    bundle_assets(site)
    for path in [*site.rglob("*.html"), *(site / "static" / "styles").glob("*.css")]:
        root = Path(os.path.relpath(site, path.parent)).as_posix()
        path.write_text(rewrite(path.read_text(encoding="utf-8"), root, site), encoding="utf-8")
    left = external_loads(site)
    if left:
        raise OfflineError(f"{len(left)} network loads left, first: {left[0]}")


def external_loads(site: Path) -> list[tuple[str, str]]:
    """(file, URL) of every http(s) load in the site's HTML, CSS and JS files."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix.lower() not in (".html", ".htm", ".css", ".js"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [(str(path.relative_to(site)), url) for url in _LOAD.findall(text)]
    return found
