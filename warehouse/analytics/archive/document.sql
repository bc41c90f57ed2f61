-- The index of each archive by WS/T 483 shared document, keyed by resident_id, as in the
-- restricted warehouse, except that the times of the birth certificate (HSDB01.01) are left out:
-- they are the newborn's exact birth time, and analytics carries the birth year only.
-- depends:
CREATE OR REPLACE TABLE archive.document AS
SELECT
    resident_id, document_code, document_name, sort_order, record_count, item_count,
    CASE WHEN document_code <> 'HSDB01.01' THEN first_time END AS first_time,
    CASE WHEN document_code <> 'HSDB01.01' THEN last_time END AS last_time,
    org_count
FROM wh.archive.document
ORDER BY resident_id, sort_order;
