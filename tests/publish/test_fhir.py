"""FHIR R4 output of archive show / export, validated with fhir.resources (R4B subpackage).

On the hand-built lake of clinic.py: A has an inpatient stay with one diagnosis, prescription,
two lab results and a CT report, and an outpatient visit with one lab result; K a child checkup
(12.5 kg) and a HepB dose 3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from pipelines.publish.archive import ArchiveFormat, export_archives, show_archive
from tests.publish.clinic import ID_A


@pytest.fixture
def clinic(published_clinic: Path) -> Path:
    return published_clinic


def bundle_of(data: Path, resident_id: str) -> dict:
    text = show_archive(data, resident_id, None, ArchiveFormat.FHIR, "dr.li")
    Bundle.model_validate_json(text)  # raises if the bundle is not valid R4(B)
    return json.loads(text)


def resources(bundle: dict, kind: str | None = None) -> list[dict]:
    found = [e["resource"] for e in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def test_an_inpatient_stay_becomes_linked_resources(clinic: Path) -> None:
    bundle = bundle_of(clinic, "A")
    assert bundle["type"] == "collection"
    # Patient; Encounter e10 and e11; Condition I15.0; MedicationRequest; Observation HBA1C and
    # ABO (e10) and ABO (e11); DiagnosticReport CT
    assert Counter(r["resourceType"] for r in resources(bundle)) == {
        "Patient": 1, "Encounter": 2, "Condition": 1, "MedicationRequest": 1,
        "Observation": 3, "DiagnosticReport": 1,
    }  # fmt: skip
    inpatient = next(r for r in resources(bundle, "Encounter") if r["class"]["code"] == "IMP")
    (condition,) = resources(bundle, "Condition")
    assert condition["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10", "code": "I15.0", "display": "肾血管性高血压",
    }  # fmt: skip
    assert condition["encounter"]["reference"] == f"urn:uuid:{inpatient['id']}"
    assert inpatient["length"]["value"] == 4  # 02-01 → 02-05
    (report,) = resources(bundle, "DiagnosticReport")
    assert report["conclusion"] == "头颅：头颅CT平扫未见明显异常"


def test_every_reference_resolves_inside_the_bundle(clinic: Path) -> None:
    bundle = bundle_of(clinic, "A")
    urls = {e["fullUrl"] for e in bundle["entry"]}
    text = json.dumps(bundle)
    references = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert references and references <= urls


def test_the_patient_carries_the_golden_identity(clinic: Path) -> None:
    (patient,) = resources(bundle_of(clinic, "A"), "Patient")
    assert {i["system"]: i["value"] for i in patient["identifier"]} == {
        "urn:healtharchive:resident-id": "A", "urn:healtharchive:id-no": ID_A,
    }  # fmt: skip
    assert (patient["gender"], patient["birthDate"]) == ("male", "1961-02-10")


def test_a_child_gets_an_immunization_and_a_weight(clinic: Path) -> None:
    bundle = bundle_of(clinic, "K")
    (dose,) = resources(bundle, "Immunization")
    assert dose["vaccineCode"]["coding"][0]["code"] == "0201"
    assert dose["protocolApplied"] == [{"doseNumberPositiveInt": 3}]
    (weight,) = resources(bundle, "Observation")
    assert weight["code"]["coding"][0]["code"] == "29463-7"  # LOINC body weight
    assert weight["valueQuantity"]["value"] == 12.5


def test_the_same_archive_gives_the_same_bundle(clinic: Path) -> None:
    # in another process, with another hash seed: nothing may depend on set or dict order
    # of one interpreter, on the clock or on random ids
    script = (
        "import sys; from pipelines.publish.archive import ArchiveFormat, show_archive; "
        "print(show_archive(sys.argv[1], 'A', None, ArchiveFormat.FHIR, 'dr.li'))"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, str(clinic)], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"}, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert json.loads(other.stdout) == bundle_of(clinic, "A")


def test_ndjson_export_is_one_valid_resource_per_line(clinic: Path, tmp_path: Path) -> None:
    out = tmp_path / "archives.ndjson"
    summary = export_archives(clinic, out, "fhir-ndjson", "exporter")
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    for resource in lines:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert summary.archives == 6 and summary.lines == len(lines)
    assert Counter(r["resourceType"] for r in lines)["Patient"] == 6
    references = {v["reference"] for r in lines for v in r.values() if isinstance(v, dict)
                  and "reference" in v}  # fmt: skip
    assert all(ref.startswith("Patient/") or ref.startswith("Encounter/") for ref in references)
