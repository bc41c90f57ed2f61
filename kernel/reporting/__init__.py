"""Self-contained HTML reports: inline SVG charts, one print-friendly page, no network.

Shared by the governance report (``quality/report.py``), the indicator report
(``pipelines/publish/metrics_report.py``) and the review page. A report template extends
``base.html.j2`` and fills ``{% block content %}``; charts are matplotlib figures embedded as SVG
text.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kernel.atomic import write_text

TEMPLATES = Path(__file__).parent / "templates"


def new_figure(width: float = 7.0, height: float = 3.2) -> Any:
    """A matplotlib figure for a report chart (no display backend needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # keep text as text: the browser draws CJK labels itself
            "font.family": ["Noto Sans CJK SC", "Noto Serif CJK SC", "sans-serif"],
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 96,
        }
    )
    fig, _ = plt.subplots(figsize=(width, height))
    return fig


def svg(fig: Any) -> Markup:
    """Embed a finished figure as inline SVG markup and release it."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return Markup(text[text.index("<svg") :])  # drop the XML prolog and doctype


def render(template: str, search_path: Path, **context: Any) -> str:
    """Render ``template`` found in ``search_path`` (or the shared templates) to HTML text."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader([str(search_path), str(TEMPLATES)]),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v, digits=1: "—" if v is None else f"{100 * v:.{digits}f}%"
    env.filters["thousands"] = lambda v: "—" if v is None else f"{v:,.0f}"
    return env.get_template(template).render(**context)


def write_html(path: Path, html: str) -> Path:
    """Write a report atomically (temporary file, then rename)."""
    return write_text(path, html)
