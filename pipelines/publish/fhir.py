"""The archive document as FHIR R4 resources, validated with ``fhir.resources``.

fhir.resources 8 defaults to R5; its R4 family lives in the ``fhir.resources.R4B`` subpackage
(FHIR 4.3, which keeps R4's shape for every resource used here), so that is what validates.
Mapping (one resource per archive row):

    golden record             Patient (resident_id and ID number as identifiers)
    encounter, MCH visits,    Encounter (class AMB / EMER / IMP; type = the WS/T 483 document)
      checkups, delivery
    diagnosis                 Condition (ICD-10), linked to its encounter
    prescription              MedicationRequest
    lab result, birth weight, Observation (laboratory; LOINC vital signs for weight, blood
      gestational age, BP       pressure, gestational age, birth weight)
    dose                      Immunization (CV08.50.001 vaccine code, dose number)
    exam report               DiagnosticReport (imaging / ECG), linked to its encounter

Ids are UUIDs derived from resident_id and record_key, so the same archive always gives the same
resources. Code systems without a registered FHIR URI use ``urn:healtharchive:*`` names until
the city publishes its OIDs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

ID_NAMESPACE = uuid.UUID("6f1c1e9e-5b0b-4c1e-9d6a-2f6f0b7a4e61")  # fixed: ids stay stable
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
DIAGNOSTIC_SECTION = "http://terminology.hl7.org/CodeSystem/v2-0074"
LOCAL = {
    "resident": "urn:healtharchive:resident-id",
    "id_no": "urn:healtharchive:id-no",
    "id_type": "urn:healtharchive:CV02.01.101",
    "record": "urn:healtharchive:record-key",
    "org": "urn:healtharchive:org-code",
    "document": "urn:healtharchive:WS-T-483",
    "vaccine": "urn:healtharchive:CV08.50.001",
    "drug": "urn:healtharchive:drug-code",
    "lab": "urn:healtharchive:lab-item",
    "modality": "urn:healtharchive:exam-modality",
}
GENDER = {"1": "male", "2": "female", "0": "unknown", "9": "unknown"}
VISITS = {
    "encounter", "maternal_registration", "prenatal_visit", "delivery", "postpartum_visit",
    "child_checkup", "checkup",
}  # fmt: skip
CLASS = {"outpatient": "AMB", "emergency": "EMER", "inpatient": "IMP", "delivery": "IMP"}
# event_type → (LOINC code, display, UCUM unit) of the value a visit or birth carries
VALUE_OBSERVATIONS = {
    "prenatal_visit": ("49051-6", "Gestational age in weeks", "wk"),
    "delivery": ("49051-6", "Gestational age in weeks", "wk"),
    "child_checkup": ("29463-7", "Body weight", "kg"),
    "birth": ("8339-4", "Birth weight Measured", "g"),
}


def archive_resources(archive: dict[str, Any], bundle: bool = True) -> list[dict[str, Any]]:
    """Patient first, then one resource per event; references as urn:uuid (bundle) or Type/id."""
    rid = archive["resident_id"]
    patient_id = _id("resident", rid)
    ref = _ref_maker(bundle)
    golden = archive["documents"][0]["records"][0] if archive["documents"] else {"resident_id": rid}
    resources = [_patient(patient_id, golden)]
    subject = {"reference": ref("Patient", patient_id)}
    for event, parent in _events(archive):
        resources.extend(_event_resources(event, parent, subject, ref))
    return resources


def archive_bundle(archive: dict[str, Any]) -> str:
    """A validated FHIR R4 (R4B) collection Bundle as JSON text."""
    from fhir.resources.R4B.bundle import Bundle

    entries = [
        {"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in archive_resources(archive)
    ]
    bundle = {
        "resourceType": "Bundle",
        "id": _id("bundle", archive["resident_id"]),
        "type": "collection",
        "entry": entries,
    }
    return Bundle.model_validate(bundle).model_dump_json(indent=2, exclude_none=True)


def ndjson_lines(archive: dict[str, Any]) -> Iterator[str]:
    """Each resource of the archive validated and as one NDJSON line (Type/id references).

    The line is the validated dict itself: re-serialising the pydantic model would double the
    cost of a whole-city export for the same JSON.
    """
    from fhir.resources.R4B import get_fhir_model_class

    for resource in archive_resources(archive, bundle=False):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        yield json.dumps(resource, ensure_ascii=False, separators=(",", ":"))


def _patient(patient_id: str, golden: dict[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": LOCAL["resident"], "value": golden["resident_id"]}],
        "active": True,
    }
    if golden.get("id_no"):
        # a checksum-valid number without a delivered type is a 居民身份证 (01)
        id_type = golden.get("id_type") or ("01" if golden.get("id_no_valid") else None)
        identifier = {"system": LOCAL["id_no"], "value": golden["id_no"]}
        if id_type:
            identifier["type"] = {"coding": [{"system": LOCAL["id_type"], "code": id_type}]}
        patient["identifier"].append(identifier)
    if golden.get("name"):
        patient["name"] = [{"text": golden["name"]}]
    if golden.get("sex_code") in GENDER:
        patient["gender"] = GENDER[golden["sex_code"]]
    if golden.get("birth_date"):
        patient["birthDate"] = golden["birth_date"]
    if golden.get("phone"):
        patient["telecom"] = [{"system": "phone", "value": golden["phone"], "use": "mobile"}]
    if golden.get("address") or golden.get("district_name"):
        address = {"use": "home", "text": golden.get("address"),
                   "district": golden.get("district_name")}  # fmt: skip
        patient["address"] = [{k: v for k, v in address.items() if v}]
    return patient


def _events(archive: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every event with the encounter it belongs to (None for a service of its own)."""
    for document in archive["documents"][1:]:
        for record in document["records"]:
            yield record, None
            for item in record.get("items", []):
                yield item, record


def _event_resources(
    event: dict[str, Any], parent: dict[str, Any] | None, subject: dict[str, str], ref: Any
) -> list[dict[str, Any]]:
    kind = event["event_type"]
    rid = _id("record", f"{kind}:{event['record_key']}")
    base = {"id": rid, "identifier": [{"system": LOCAL["record"], "value": event["record_key"]}]}
    context = (
        {"encounter": {"reference": ref("Encounter", _encounter_id(parent))}} if parent else {}
    )
    if kind in VISITS:
        visit = _encounter(base | {"id": _encounter_id(event)}, event, subject)
        own = {"encounter": {"reference": ref("Encounter", visit["id"])}}
        return [visit, *_value_observation(base, event, subject, own)]
    if kind == "birth":
        return _value_observation(base, event, subject, {})
    builders = {
        "diagnosis": _condition, "prescription": _medication_request,
        "lab_result": _lab_observation, "exam_report": _diagnostic_report,
        "immunization": _immunization,
    }  # fmt: skip
    return [builders[kind](base | context, event, subject)] if kind in builders else []


def _encounter(base: dict, event: dict, subject: dict) -> dict[str, Any]:
    code = CLASS.get(event["code"] if event["event_type"] == "encounter" else event["event_type"])
    encounter = base | {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": ACT_CODE, "code": code or "AMB"},
        "type": [{
            "coding": [{"system": LOCAL["document"], "code": event["document_code"] or "other"}],
            "text": event["description"] or event["event_type"],
        }],
        "subject": subject,
        "period": {"start": event["event_time"]},
        "serviceProvider": _org(event),
    }  # fmt: skip
    days = _number(event["value"]) if event["event_type"] == "encounter" else None
    if days is not None:
        encounter["length"] = {"value": days, "unit": "d", "system": UCUM, "code": "d"}
    return encounter


def _value_observation(base: dict, event: dict, subject: dict, context: dict) -> list[dict]:
    kind = event["event_type"]
    if kind == "checkup":
        return _blood_pressure(base, event, subject, context)
    value = _number(event["value"])
    if kind not in VALUE_OBSERVATIONS or value is None:
        return []
    code, display, unit = VALUE_OBSERVATIONS[kind]
    return [base | {"id": _id("value", base["id"])} | context | {
        "resourceType": "Observation", "status": "final",
        "category": [_category(OBSERVATION_CATEGORY, "vital-signs")],
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "subject": subject, "effectiveDateTime": event["event_time"],
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
    }]  # fmt: skip


def _blood_pressure(base: dict, event: dict, subject: dict, context: dict) -> list[dict]:
    parts = (event["value"] or "").split("/")
    if len(parts) != 2 or None in (_number(parts[0]), _number(parts[1])):
        return []
    component = [
        {"code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
         "valueQuantity": {"value": _number(v), "unit": "mm[Hg]", "system": UCUM,
                           "code": "mm[Hg]"}}
        for (code, display), v in zip(
            (("8480-6", "Systolic blood pressure"), ("8462-4", "Diastolic blood pressure")),
            parts, strict=True,
        )
    ]  # fmt: skip
    return [base | {"id": _id("value", base["id"])} | context | {
        "resourceType": "Observation", "status": "final",
        "category": [_category(OBSERVATION_CATEGORY, "vital-signs")],
        "code": {"coding": [{"system": LOINC, "code": "85354-9",
                             "display": "Blood pressure panel"}]},
        "subject": subject, "effectiveDateTime": event["event_time"], "component": component,
    }]  # fmt: skip


def _condition(base: dict, event: dict, subject: dict) -> dict[str, Any]:
    return base | {
        "resourceType": "Condition",
        "category": [_category(CONDITION_CATEGORY, "encounter-diagnosis")],
        "code": {"coding": [{"system": ICD10, "code": event["code"],
                             "display": event["description"]}], "text": event["description"]},
        "subject": subject, "recordedDate": event["event_time"],
    }  # fmt: skip


def _medication_request(base: dict, event: dict, subject: dict) -> dict[str, Any]:
    request = base | {
        "resourceType": "MedicationRequest", "status": "unknown", "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": LOCAL["drug"], "code": event["code"]}],
                                      "text": event["description"]},
        "subject": subject, "authoredOn": event["event_time"],
    }  # fmt: skip
    dose = _number(event["value"])
    if dose is not None:
        quantity = {"value": dose, "unit": event["unit"]} if event["unit"] else {"value": dose}
        request["dosageInstruction"] = [{"doseAndRate": [{"doseQuantity": quantity}]}]
    return request


def _lab_observation(base: dict, event: dict, subject: dict) -> dict[str, Any]:
    observation = base | {
        "resourceType": "Observation", "status": "final",
        "category": [_category(OBSERVATION_CATEGORY, "laboratory")],
        "code": {"coding": [{"system": LOCAL["lab"], "code": event["code"]}],
                 "text": event["description"]},
        "subject": subject, "effectiveDateTime": event["event_time"],
    }  # fmt: skip
    value = _number(event["value"])
    if value is not None:
        observation["valueQuantity"] = (
            {"value": value, "unit": event["unit"]} if event["unit"] else {"value": value}
        )
    elif event["value"]:
        observation["valueString"] = event["value"]
    return observation


def _diagnostic_report(base: dict, event: dict, subject: dict) -> dict[str, Any]:
    section = "EC" if event["code"] == "ECG" else "RAD"
    return base | {
        "resourceType": "DiagnosticReport", "status": "final",
        "category": [_category(DIAGNOSTIC_SECTION, section)],
        "code": {"coding": [{"system": LOCAL["modality"], "code": event["code"]}],
                 "text": event["code"]},
        "subject": subject, "effectiveDateTime": event["event_time"],
        "conclusion": event["description"],
    }  # fmt: skip


def _immunization(base: dict, event: dict, subject: dict) -> dict[str, Any]:
    immunization = base | {
        "resourceType": "Immunization", "status": "completed",
        "vaccineCode": {"coding": [{"system": LOCAL["vaccine"], "code": event["code"],
                                    "display": event["description"]}],
                        "text": event["description"]},
        "patient": subject, "occurrenceDateTime": event["event_time"],
        "performer": [{"actor": _org(event)}],
    }  # fmt: skip
    dose = _number(event["value"])
    if dose is not None and dose >= 1 and float(dose).is_integer():
        immunization["protocolApplied"] = [{"doseNumberPositiveInt": int(dose)}]
    return immunization


def _org(event: dict) -> dict[str, Any]:
    org = {"identifier": {"system": LOCAL["org"], "value": event["org_code"]}}
    return org | ({"display": event["org_name"]} if event.get("org_name") else {})


def _category(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _encounter_id(event: dict[str, Any]) -> str:
    return _id("encounter", event["record_key"])


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


def _ref_maker(bundle: bool) -> Any:
    def ref(resource_type: str, resource_id: str) -> str:
        return f"urn:uuid:{resource_id}" if bundle else f"{resource_type}/{resource_id}"

    return ref


def _number(text: str | None) -> float | int | None:
    try:
        value = float(text) if text not in (None, "") else None
    except ValueError:
        return None
    return int(value) if value is not None and value.is_integer() else value


def bundle_types(bundle_json: str) -> dict[str, int]:
    """How many resources of each type a Bundle holds (for summaries and tests)."""
    counts: dict[str, int] = {}
    for entry in json.loads(bundle_json).get("entry", []):
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    return counts
