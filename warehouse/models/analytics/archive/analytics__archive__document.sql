-- The index of each archive by WS/T 483 shared document, keyed by the pseudonymous person_key, as
-- in the restricted warehouse, except that the times of the birth certificate (HSDB01.01) are left
-- out: they are the newborn's exact birth time, and analytics carries the birth year only.
SELECT
    k.person_key, document_code, document_name, sort_order, record_count, item_count,
    CASE WHEN document_code <> 'HSDB01.01' THEN first_time END AS first_time,
    CASE WHEN document_code <> 'HSDB01.01' THEN last_time END AS last_time,
    org_count
FROM {{ ref('archive__document') }} AS d
JOIN {{ ref('staging__person_key') }} AS k USING (resident_id)
ORDER BY person_key, sort_order
