"""Every contract version is frozen in a golden file: a change must be announced as a new version.

Golden files live in tests/schemas/golden/<dataset>.v<N>.json (written by
``python -m schemas.versions``). The migration rule for the layers other code reads (std, ops):
a new version may add columns, never drop or retype one.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from schemas import versions
from schemas.contracts import Column, all_contracts, contract

DATASETS = sorted(all_contracts())


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_current_version_matches_its_golden_file(dataset: str) -> None:
    spec = contract(dataset)
    golden = versions.read_golden(dataset, spec.version)
    assert golden is not None, f"no golden file for {dataset} v{spec.version}: run schemas.versions"
    assert versions.fingerprint(spec) == golden, (
        f"{dataset} changed without a new version: set `version: {spec.version + 1}` in its YAML "
        "and run `python -m schemas.versions`"
    )


@pytest.mark.parametrize("dataset", DATASETS)
def test_versions_run_from_1_to_the_current_one(dataset: str) -> None:
    assert versions.golden_versions(dataset) == list(range(1, contract(dataset).version + 1))


def _columns(golden: dict) -> dict[str, str]:
    return {c["name"]: c["type"] for c in golden["columns"]}


@pytest.mark.parametrize(
    "dataset", [d for d in DATASETS if d.split(".")[0] in ("std", "ops", "mpi", "quality")]
)
def test_published_layers_only_add_columns_between_versions(dataset: str) -> None:
    # every frozen version, then the contract as it stands: each keeps every column of the one
    # before with its type (readers of older partitions rely on it); with one version the
    # chain is that version and the contract, so a dropped column fails here too
    chain = [_columns(versions.read_golden(dataset, v)) for v in versions.golden_versions(dataset)]
    chain.append(_columns(versions.fingerprint(contract(dataset))))
    assert len(chain) >= 2, f"{dataset} has no golden file"
    for number, (before, after) in enumerate(itertools.pairwise(chain), start=2):
        dropped_or_retyped = {n: t for n, t in before.items() if after.get(n) != t}
        assert not dropped_or_retyped, (
            f"{dataset} step {number} drops or retypes {dropped_or_retyped}"
        )


def test_an_unannounced_change_is_flagged(tmp_path: Path) -> None:
    spec = contract("hospital.patient")
    (tmp_path / versions.golden_path(spec.dataset, 1, tmp_path).name).write_text(
        versions.render(spec), encoding="utf-8"
    )
    # a column quietly retyped, version left at 1: the golden file no longer matches
    retyped = tuple(
        dataclasses.replace(c, type="integer") if c.name == "phone" else c for c in spec.columns
    )
    changed = dataclasses.replace(spec, columns=retyped)
    assert versions.fingerprint(changed) != versions.read_golden(spec.dataset, 1, tmp_path)
    # a description is documentation, not contract: no new version needed
    described = dataclasses.replace(
        spec,
        columns=(Column("patient_id", "string", required=True, description="x"), *spec.columns[1:]),
    )
    assert versions.fingerprint(described) == versions.read_golden(spec.dataset, 1, tmp_path)


def test_freeze_never_overwrites_a_released_version(tmp_path: Path) -> None:
    written, conflicts = versions.freeze(tmp_path)
    assert len(written) == len(DATASETS) and conflicts == []
    path = versions.golden_path("hospital.patient", contract("hospital.patient").version, tmp_path)
    path.write_text('{"dataset": "hospital.patient", "columns": []}', encoding="utf-8")
    written, conflicts = versions.freeze(tmp_path)
    assert written == [] and conflicts == ["hospital.patient: changed but still version 1"]
    assert 'columns": []' in path.read_text(encoding="utf-8")  # left as it was
