"""Every version of every contract, kept as a golden file (dlt-style schema evolution).

A contract's *fingerprint* is what readers, writers and downstream SQL depend on: columns with
their types, required/PII flags, formats, code sets and delivered headers, the primary key, the
delivery block and the person mentions. Descriptions are documentation and left out, so fixing
a typo needs no new version. A change to the fingerprint must come with ``version: N+1`` in the
YAML and a new golden file; ``tests/schemas/test_contract_versions.py`` fails otherwise.

``python -m schemas.versions`` writes the golden file of every version that has none yet; it
never overwrites one (a released version is frozen).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from schemas.contracts import Contract, all_contracts

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "tests" / "schemas" / "golden"
_COLUMN_KEYS = ("name", "type", "required", "pii", "format", "code_set", "header")


def fingerprint(contract: Contract) -> dict[str, Any]:
    """The parts of a contract that other code relies on, as plain JSON-able data."""
    columns = [
        {k: getattr(col, k) for k in _COLUMN_KEYS if getattr(col, k) not in (None, False)}
        for col in contract.columns
    ]
    return {
        "dataset": contract.dataset,
        "version": contract.version,
        "primary_key": list(contract.primary_key),
        "delivery": contract.delivery,
        "person_mentions": [dict(m) for m in contract.person_mentions],
        "references": contract.references,
        "columns": columns,
    }


def golden_path(dataset: str, version: int, folder: Path = GOLDEN_DIR) -> Path:
    return folder / f"{dataset}.v{version}.json"


def render(contract: Contract) -> str:
    """The golden file's text: sorted keys, one column per line, so diffs read column by column."""
    data = fingerprint(contract)
    columns = data.pop("columns")
    lines = [f"  {json.dumps(c, ensure_ascii=False, sort_keys=True)}" for c in columns]
    head = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)[:-2]
    return head + ',\n "columns": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def read_golden(dataset: str, version: int, folder: Path = GOLDEN_DIR) -> dict[str, Any] | None:
    path = golden_path(dataset, version, folder)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def golden_versions(dataset: str, folder: Path = GOLDEN_DIR) -> list[int]:
    """Versions of one dataset that have a golden file, ascending."""
    found = folder.glob(f"{dataset}.v*.json")
    return sorted(int(p.name[len(dataset) + 2 : -5]) for p in found)


def freeze(folder: Path = GOLDEN_DIR) -> tuple[list[Path], list[str]]:
    """Write missing golden files; (written, conflicts) — a conflict is an existing golden file
    that differs from its contract: that contract changed without a new version."""
    written, conflicts = [], []
    folder.mkdir(parents=True, exist_ok=True)
    for dataset, spec in sorted(all_contracts().items()):
        path = golden_path(dataset, spec.version, folder)
        if not path.exists():
            path.write_text(render(spec), encoding="utf-8")
            written.append(path)
        elif json.loads(path.read_text(encoding="utf-8")) != fingerprint(spec):
            conflicts.append(f"{dataset}: changed but still version {spec.version}")
    return written, conflicts


def main() -> int:
    written, conflicts = freeze()
    for path in written:
        print(f"wrote {path}")
    for problem in conflicts:
        print(f"refused: {problem} — bump `version` in its YAML", file=sys.stderr)
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main())
