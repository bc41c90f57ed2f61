-- For each resident, each institution holding at least one of its current records, and the
-- night the first of them arrived.
SELECT resident_id, org_code, min(first_load_date) AS since
FROM {{ ref('mpi__record_link') }}
WHERE resident_id IS NOT NULL AND first_load_date IS NOT NULL
GROUP BY ALL
