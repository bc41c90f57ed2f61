"""A malformed contract is refused with a message naming the file and the fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.contracts import ContractError, crosswalk, read_contract

GOOD = """dataset: demo.thing
version: 1
description: a demo
grain: one row per thing_id
primary_key: [thing_id]
columns:
  - {name: thing_id, type: string, required: true}
  - {name: sex, type: string, code_set: sex}
  - {name: born, type: string, format: date}
"""

# (what is wrong, the contract text, words the error must contain)
NEGATIVE = [
    ("no version", GOOD.replace("version: 1\n", ""), "missing or malformed 'version'"),
    ("version zero", GOOD.replace("version: 1", "version: 0"), "version must be a whole number"),
    ("version as text", GOOD.replace("version: 1", "version: v1"), "version must be a whole"),
    ("no columns", GOOD.split("columns:")[0], "missing or malformed 'columns'"),
    ("unknown key", GOOD.replace("required: true}", "required: true, nullable: no}"), "nullable"),
    ("unknown type", GOOD.replace("type: string, required", "type: text, required"),
     "unknown type 'text'"),
    ("unknown code set", GOOD.replace("code_set: sex", "code_set: gender"),
     "unknown code set 'gender'"),
    ("unknown format", GOOD.replace("format: date", "format: day"), "unknown format 'day'"),
    ("key not a column", GOOD.replace("[thing_id]", "[thing_no]"),
     "primary key 'thing_no' is not a column"),
    ("duplicate column", GOOD + "  - {name: born, type: date}\n", "duplicate column names"),
]  # fmt: skip


def test_the_good_contract_reads(tmp_path: Path) -> None:
    path = tmp_path / "demo.thing.yaml"
    path.write_text(GOOD, encoding="utf-8")
    spec = read_contract(path)
    assert spec.version == 1 and spec.column_names == ["thing_id", "sex", "born"]
    assert not spec.arrow_schema().field("thing_id").nullable  # required → not null


@pytest.mark.parametrize(("case", "text", "words"), NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_a_malformed_contract_is_refused(tmp_path: Path, case: str, text: str, words: str) -> None:
    path = tmp_path / "demo.thing.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError, match=r"demo\.thing\.yaml") as refused:
        read_contract(path)
    assert words in str(refused.value)


def test_an_unknown_crosswalk_is_refused() -> None:
    with pytest.raises(ContractError, match="no crosswalk named 'nothing'"):
        crosswalk("nothing")
