-- One row per clinical event in a resident's lifetime archive: hospital encounters, diagnoses,
-- prescriptions, lab results and exam reports; active immunizations (voided doses left out);
-- maternal registration, prenatal and postpartum visits, deliveries (for the mother) and births
-- (for the newborn); child and adult checkups. An event belongs to the resident its person
-- mention is linked to; hospital diagnoses, prescriptions, results and reports reach their
-- patient through their encounter (parent_key) and feed the same WS/T 483 document as it:
-- 住院摘要 HSDC00.03 for an inpatient stay, else 门诊摘要 HSDC00.02. document_code is the shared
-- document an event feeds; the mother's side of a delivery feeds none yet.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}DELETE FROM {{ this }} WHERE resident_id IN (SELECT resident_id FROM {{ ref('staging__touched_resident') }}){% endif %}",
) }}
-- incremental: only the residents touched tonight are rebuilt (their old rows deleted first),
-- from the current versions of the records that may be theirs (staging.touched_record), not of
-- every record in the lake
-- depends_on: {{ ref('staging__touched_resident') }}, {{ ref('staging__touched_record') }}
-- depends_on: {% for t in event_tables() %}{{ source('std_touched', t) }} {% endfor %}
{%- set lake = 'std_touched' if is_incremental() else 'std' %}
WITH encounter AS (
    SELECT * FROM {{ source(lake, 'encounter') }}
),
encounter_person AS (
    SELECT
        record_key AS encounter_key, person_mention_id,
        CASE encounter_type WHEN 'inpatient' THEN 'HSDC00.03' ELSE 'HSDC00.02' END AS document_code
    FROM encounter
),
event AS (
    SELECT
        record_key, person_mention_id, event_time, source, org_code, 'encounter' AS event_type,
        CASE encounter_type WHEN 'inpatient' THEN 'HSDC00.03' ELSE 'HSDC00.02' END AS document_code,
        encounter_type AS code, dept_name AS description,
        CAST({{ days_between('admit_time', 'discharge_time') }} AS {{ text_type() }}) AS value,
        CASE WHEN discharge_time IS NOT NULL THEN 'day' END AS unit,
        CAST(NULL AS {{ text_type() }}) AS parent_key
    FROM encounter
    UNION ALL
    SELECT
        d.record_key, p.person_mention_id, d.event_time, d.source, d.org_code, 'diagnosis',
        p.document_code, d.icd10_code, d.diagnosis_name,
        CASE WHEN d.is_primary THEN 'primary' END, NULL, p.encounter_key
    FROM {{ source(lake, 'diagnosis') }} AS d JOIN encounter_person AS p USING (encounter_key)
    UNION ALL
    SELECT
        rx.record_key, p.person_mention_id, rx.event_time, rx.source, rx.org_code, 'prescription',
        p.document_code, rx.drug_code, rx.drug_name, CAST(rx.dose AS {{ text_type() }}), rx.dose_unit,
        p.encounter_key
    FROM {{ source(lake, 'prescription') }} AS rx JOIN encounter_person AS p USING (encounter_key)
    UNION ALL
    SELECT
        lab.record_key, p.person_mention_id, lab.event_time, lab.source, lab.org_code,
        'lab_result', p.document_code, lab.item_code, lab.item_name, CAST(lab.value AS {{ text_type() }}),
        lab.unit, p.encounter_key
    FROM {{ source(lake, 'lab_result') }} AS lab JOIN encounter_person AS p USING (encounter_key)
    UNION ALL
    SELECT
        exam.record_key, p.person_mention_id, exam.event_time, exam.source, exam.org_code,
        'exam_report', p.document_code, exam.modality,
        concat_ws('：', exam.body_part, exam.conclusion), NULL, NULL, p.encounter_key
    FROM {{ source(lake, 'exam_report') }} AS exam JOIN encounter_person AS p USING (encounter_key)
    UNION ALL
    SELECT
        record_key, person_mention_id, event_time, source, org_code, 'immunization', 'HSDB03.01',
        vaccine_code, vaccine_name, CAST(dose_no AS {{ text_type() }}), 'dose', NULL
    FROM {{ source(lake, 'immunization') }}
    WHERE status = 'active'
    UNION ALL
    SELECT
        record_key, person_mention_id, event_time, source, org_code, 'maternal_registration',
        'HSDB02.01', 'HSDB02.01', '孕产妇建册', NULL, NULL, NULL
    FROM {{ source(lake, 'maternal_registration') }}
    UNION ALL
    SELECT
        record_key, person_mention_id, event_time, source, org_code, 'prenatal_visit',
        'HSDB02.02', 'HSDB02.02', '产前随访', CAST(gestational_weeks AS {{ text_type() }}), 'week', NULL
    FROM {{ source(lake, 'prenatal_visit') }}
    UNION ALL
    SELECT * FROM (
        WITH delivery AS (SELECT * FROM {{ source(lake, 'delivery') }})
        SELECT
            record_key, person_mention_id, event_time, source, org_code, 'delivery', NULL,
            delivery_mode, '分娩', CAST(gestational_weeks AS {{ text_type() }}), 'week', NULL
        FROM delivery
        UNION ALL
        SELECT
            record_key, newborn_mention_id, event_time, source, org_code, 'birth', 'HSDB01.01',
            'HSDB01.01', '出生', CAST(baby_birth_weight_g AS {{ text_type() }}), 'g', NULL
        FROM delivery
    )
    UNION ALL
    SELECT
        record_key, person_mention_id, event_time, source, org_code, 'postpartum_visit',
        'HSDB02.03', 'HSDB02.03', '产后访视', CAST(days_after_delivery AS {{ text_type() }}), 'day', NULL
    FROM {{ source(lake, 'postpartum_visit') }}
    UNION ALL
    SELECT
        record_key, person_mention_id, event_time, source, org_code, 'child_checkup',
        'HSDB01.03', 'HSDB01.03', development_result, CAST(weight_kg AS {{ text_type() }}), 'kg', NULL
    FROM {{ source(lake, 'child_checkup') }}
    UNION ALL
    SELECT
        record_key, person_mention_id, event_time, source, org_code, 'checkup', 'HSDC00.01',
        'HSDC00.01', conclusion,
        CASE WHEN systolic_bp IS NOT NULL AND diastolic_bp IS NOT NULL
            THEN systolic_bp || '/' || diastolic_bp END,
        CASE WHEN systolic_bp IS NOT NULL AND diastolic_bp IS NOT NULL THEN 'mmHg' END, NULL
    FROM {{ source(lake, 'checkup') }}
)
SELECT
    link.resident_id, event.event_time, event.source, event.org_code, event.event_type,
    event.document_code, event.code, event.description, event.value, event.unit,
    event.record_key, event.parent_key, event.person_mention_id
FROM event
JOIN {{ ref('mpi__record_link') }} AS link ON link.mention_id = event.person_mention_id
WHERE link.resident_id IS NOT NULL
{%- if is_incremental() %}
    AND link.resident_id IN (SELECT resident_id FROM {{ ref('staging__touched_resident') }})
{%- endif %}
ORDER BY link.resident_id, event.event_time, event.event_type, event.record_key
