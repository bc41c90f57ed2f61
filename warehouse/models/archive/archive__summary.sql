-- The summary page (首页, 居民电子健康档案首页基本内容 2024) of every resident's archive as of
-- night D: basic information from the golden record, the health flags and the service history
-- in numbers. Flags: 妇幼 (a child under 7, or a maternal-care record — registration, prenatal
-- visit, delivery, postpartum visit — in the 12 months ending D), 老年 (65 or older on D),
-- hypertension (any diagnosis I10–I15) and diabetes (any diagnosis E10–E14). The ABO blood type
-- (CV04.50.005) is the latest lab result coded ABO (or named 血型 / ABO血型) with a value 1–4;
-- '5' 不详 when none is known. A service is an event of its own (not a diagnosis, prescription,
-- result or report inside an encounter).
WITH event AS (
    SELECT resident_id, event_time, event_type, document_code, code, description, value,
        org_code, parent_key
    FROM {{ ref('archive__timeline') }}
    WHERE CAST(event_time AS DATE) <= {{ as_of() }}
),
condition AS (
    SELECT
        resident_id,
        bool_or({{ regexp_found('code', "'^I1[0-5]'") }}) AS has_hypertension,
        bool_or({{ regexp_found('code', "'^E1[0-4]'") }}) AS has_diabetes
    FROM event
    WHERE event_type = 'diagnosis'
    GROUP BY resident_id
),
blood AS (
    SELECT resident_id, CAST({{ first_by('abo', ['event_time DESC']) }} AS {{ text_type() }}) AS blood_type_code
    FROM (
        SELECT resident_id, event_time, CAST(TRY_CAST(value AS DOUBLE) AS INTEGER) AS abo
        FROM event
        WHERE event_type = 'lab_result'
            AND (upper(code) = 'ABO' OR description IN ('血型', 'ABO血型'))
    )
    WHERE abo BETWEEN 1 AND 4
    GROUP BY resident_id
),
maternal AS (
    SELECT DISTINCT resident_id
    FROM event
    WHERE event_type IN ('maternal_registration', 'prenatal_visit', 'delivery', 'postpartum_visit')
        AND CAST(event_time AS DATE) > {{ as_of() }} - INTERVAL 12 MONTH
),
service AS (
    SELECT
        resident_id,
        count(*) FILTER (WHERE parent_key IS NULL) AS service_count,
        min(event_time) FILTER (WHERE parent_key IS NULL) AS first_service_time,
        max(event_time) FILTER (WHERE parent_key IS NULL) AS last_service_time,
        count(DISTINCT org_code) AS org_count,
        {{ sorted_distinct_join('document_code', "';'") }} AS document_codes
    FROM event
    GROUP BY resident_id
)
SELECT
    resident.resident_id,
    {{ as_of() }} AS as_of_date,
    resident.sex_code,
    resident.birth_date,
    {{ whole_years('resident.birth_date', as_of()) }} AS age_years,
    resident.district_code,
    coalesce({{ whole_years('resident.birth_date', as_of()) }} < 7, false)
        OR maternal.resident_id IS NOT NULL AS is_mch,
    coalesce({{ whole_years('resident.birth_date', as_of()) }} >= 65, false) AS is_elderly,
    coalesce(condition.has_hypertension, false) AS has_hypertension,
    coalesce(condition.has_diabetes, false) AS has_diabetes,
    coalesce(blood.blood_type_code, '5') AS blood_type_code,
    abo.label AS blood_type,
    coalesce(service.service_count, 0) AS service_count,
    service.first_service_time,
    service.last_service_time,
    coalesce(service.org_count, 0) AS org_count,
    coalesce('HSDA00.01;' || service.document_codes, 'HSDA00.01') AS document_codes,
    resident.first_load_date AS archive_since
FROM {{ ref('mpi__resident') }} AS resident
LEFT JOIN condition USING (resident_id)
LEFT JOIN blood USING (resident_id)
LEFT JOIN {{ source('contracts', 'code_set') }} AS abo  -- its label in schemas/code_sets.yaml
    ON abo.code_set = 'abo_blood_type' AND abo.code = coalesce(blood.blood_type_code, '5')
LEFT JOIN maternal USING (resident_id)
LEFT JOIN service USING (resident_id)
ORDER BY resident.resident_id
