"""The example queries of README "## For analysts", extracted for the tests that run them."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
_QUERY = re.compile(r"^### (\d+)\. (.+?)\n.*?```sql\n(.*?)```", re.S | re.M)


def analyst_section(readme: Path = README) -> str:
    text = readme.read_text(encoding="utf-8")
    start = text.index("## For analysts")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def setup_statements(readme: Path = README) -> list[str]:
    """The sql blocks before the first question (e.g. SET TimeZone)."""
    section = analyst_section(readme)
    head = section[: section.index("### 1.")]
    return re.findall(r"```sql\n(.*?)```", head, flags=re.S)


def analyst_queries(readme: Path = README) -> dict[int, tuple[str, str]]:
    """Question number → (question, SQL) for every numbered question of the section."""
    return {int(n): (q, sql) for n, q, sql in _QUERY.findall(analyst_section(readme))}
