"""docs/data-dictionary.md is generated from the contracts and kept up to date."""

from __future__ import annotations

from schemas import dictionary
from schemas.contracts import all_contracts, code_sets


def test_the_committed_data_dictionary_is_up_to_date() -> None:
    assert dictionary.DICTIONARY.exists(), "run: python -m schemas.dictionary"
    assert dictionary.DICTIONARY.read_text(encoding="utf-8") == dictionary.render(), (
        "docs/data-dictionary.md is out of date: run python -m schemas.dictionary"
    )


def test_every_contract_column_and_code_set_is_documented() -> None:
    text = dictionary.render()
    for spec in all_contracts().values():
        assert f"### {spec.dataset} (v{spec.version})" in text
        for col in spec.columns:
            assert f"| `{col.name}` |" in text
    for name in code_sets():
        assert f"### Code set {name}" in text


def test_pipes_in_descriptions_do_not_break_the_table() -> None:
    # std.encounter's `source` description is "hospital | vaccination | mch | checkup"
    assert "hospital \\| vaccination \\| mch \\| checkup" in dictionary.render()
