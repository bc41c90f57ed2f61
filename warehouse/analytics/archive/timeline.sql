-- The lifetime archive events of the restricted warehouse, keyed by resident_id, without lineage
-- keys. Birth events are left out: their time is the newborn's exact birth date, and analytics
-- carries the birth year only.
-- depends:
CREATE OR REPLACE TABLE archive.timeline AS
SELECT
    resident_id, event_time, source, org_code, event_type, document_code, code, description,
    value, unit
FROM wh.archive.timeline
WHERE event_type <> 'birth'
ORDER BY resident_id, event_time, event_type, code;
