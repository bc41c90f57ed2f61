-- The lifetime archive events of the restricted warehouse, keyed by the pseudonymous person_key,
-- without lineage keys. Birth events are left out: their time is the newborn's exact birth date,
-- and analytics carries the birth year only.
SELECT
    k.person_key, event_time, source, org_code, event_type, document_code, code, description,
    value, unit
FROM {{ ref('archive__timeline') }} AS t
JOIN {{ ref('staging__person_key') }} AS k USING (resident_id)
WHERE event_type <> 'birth'
ORDER BY person_key, event_time, event_type, code
