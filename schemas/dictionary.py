"""The data dictionary (``docs/data-dictionary.md``), generated from the contracts.

``python -m schemas.dictionary`` rewrites the page; ``--check`` only reports whether it is out
of date (``tests/schemas/test_dictionary.py`` runs the same comparison). Nothing here is typed by
hand: every table, column, code set, format and crosswalk comes from ``schemas/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from schemas.contracts import (
    Column,
    Contract,
    code_sets,
    crosswalk,
    formats,
    source_contracts,
    stage_contracts,
    std_contracts,
)

DICTIONARY = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"
LAYERS = (
    ("Delivered datasets", "schemas/sources", "what institutions deliver, per spec/SOURCES.md"),
    ("Standardised tables", "schemas/std", "lake/std, read by linkage and the warehouse"),
    (
        "Stage tables",
        "schemas/ops, schemas/mpi, schemas/quality",
        "what the stages hand each other: load log, quarantine, master person index, quality",
    ),
)
KINDS = {"csv": "CSV with a header", "jsonl": "JSON Lines", "reference_csv": "CSV with a header"}


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip() if text is not None else ""


def _delivery(spec: Contract) -> str:
    d = spec.delivery
    kind = d.get("kind")
    if kind == "frontend_table":
        stamp = d.get("incremental_column", "updated_at")
        return f"front-end database table `{d['table']}`, incremental on `{stamp}`"
    if kind in KINDS:
        text = f"`{d['path']}`, {KINDS[kind]}, {d.get('encoding', 'utf-8').upper()}"
        return text + (f"; manifest `{d['manifest']}`" if "manifest" in d else "")
    if kind == "standardised":
        return f"standardised from `{d['from']}`; event time `{d.get('event_time')}`"
    if kind == "lake":
        return f"`{d['path']}`, written by `{d['written_by']}`"
    return "—"


def _facts(spec: Contract) -> list[str]:
    facts = [f"- Grain: {spec.grain}", f"- Delivery: {_delivery(spec)}"]
    if spec.primary_key:
        facts.append("- Primary key: " + ", ".join(f"`{k}`" for k in spec.primary_key))
    for mention in spec.person_mentions:
        fields = ", ".join(f"{k} ← `{v}`" for k, v in mention.items() if k != "role")
        facts.append(f"- Person mention, role `{mention['role']}`: {fields}")
    for column, target in spec.references.items():
        facts.append(f"- References: `{column}` → `{target}`")
    return facts


def _rule(col: Column) -> str:
    parts = []
    if col.format:
        parts.append(f"format `{col.format}`")
    if col.code_set:
        parts.append(f"code set [{col.code_set}](#code-set-{col.code_set})")
    return "; ".join(parts)


def _columns(spec: Contract) -> list[str]:
    headed = any(c.header for c in spec.columns)
    head = ["column", *(["delivered header"] if headed else []), "type", "required", "personal"]
    lines = ["| " + " | ".join([*head, "rule", "description"]) + " |"]
    lines.append("|" + "---|" * (len(head) + 2))
    for col in spec.columns:
        cells = [f"`{col.name}`", *([_cell(col.header)] if headed else []), col.type]
        cells += ["yes" if col.required else "", "PII" if col.pii else ""]
        cells += [_rule(col), _cell(col.description)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _contract_section(spec: Contract) -> list[str]:
    return [
        f"### {spec.dataset} (v{spec.version})",
        "",
        _cell(spec.description),
        "",
        *_facts(spec),
        "",
        *_columns(spec),
        "",
    ]


def _code_sets() -> list[str]:
    lines = ["## Code sets", ""]
    for name, codes in code_sets().items():
        lines += [f"### Code set {name}", "", "| code | label |", "|---|---|"]
        lines += [f"| `{_cell(code)}` | {_cell(label)} |" for code, label in codes.items()]
        lines.append("")
    return lines


def _formats() -> list[str]:
    lines = ["## Formats", "", "| format | pattern on the delivered text |", "|---|---|"]
    lines += [f"| `{name}` | `{_cell(p.pattern)}` |" for name, p in formats().items()]
    return [*lines, ""]


def _crosswalks() -> list[str]:
    rows = crosswalk("vaccine")
    lines = [
        "## Crosswalks",
        "",
        "### vaccine: delivered vaccine code or name → CV08.50.001",
        "",
        "See `schemas/crosswalks/README.md` for how values are matched and what is not verified.",
        "",
        "| match on | delivered | CV08.50.001 | name |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['match_on']} | {_cell(r['delivered'])} | `{r['cv_code']}` | {_cell(r['cv_name'])} |"
        for r in rows
    ]
    return [*lines, ""]


def render() -> str:
    """The whole data dictionary as Markdown."""
    layers = (source_contracts(), std_contracts(), stage_contracts())
    lines = [
        "# Data dictionary",
        "",
        "Generated from the contracts in `schemas/` by `python -m schemas.dictionary`; do",
        "not edit by hand (a test fails when this page and the contracts disagree). `PII`",
        "marks columns that identify a person: they never reach `analytics.duckdb` or reports",
        "for analysts.",
        "",
    ]
    for (title, folder, what), contracts in zip(LAYERS, layers, strict=True):
        lines += [f"- [{title}](#{title.lower().replace(' ', '-').replace(chr(39), '')})"]
        lines += [f"  ({len(contracts)}, `{folder}`: {what})"]
    lines += ["- [Code sets](#code-sets), [Formats](#formats), [Crosswalks](#crosswalks)", ""]
    for (title, _, _), contracts in zip(LAYERS, layers, strict=True):
        lines += [f"## {title}", ""]
        for spec in contracts.values():
            lines += _contract_section(spec)
    lines += _code_sets() + _formats() + _crosswalks()
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = DICTIONARY.read_text(encoding="utf-8") if DICTIONARY.exists() else ""
        if current != text:
            print(f"{DICTIONARY} is out of date: run python -m schemas.dictionary")
            return 1
        return 0
    DICTIONARY.parent.mkdir(parents=True, exist_ok=True)
    DICTIONARY.write_text(text, encoding="utf-8")
    print(f"wrote {DICTIONARY}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
