-- The lifetime archive events of the restricted warehouse, keyed by the pseudonymous person_key,
-- without lineage keys. Birth events are left out: their time is the newborn's exact birth date,
-- and analytics carries the birth year only.
-- depends: staging.person_key
CREATE OR REPLACE TABLE archive.timeline AS
SELECT
    k.person_key, event_time, source, org_code, event_type, document_code, code, description,
    value, unit
FROM wh.archive.timeline AS t
JOIN staging.person_key AS k USING (resident_id)
WHERE event_type <> 'birth'
ORDER BY person_key, event_time, event_type, code;
