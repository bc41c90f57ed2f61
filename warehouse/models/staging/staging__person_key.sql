-- The pseudonymous key of every resident: HMAC-SHA256 of the warehouse's resident_id under the
-- platform's managed key (HEALTHARCHIVE_PSEUDONYM_KEY[_FILE]). Analytics is keyed by it and never
-- by resident_id, so it cannot be joined back to the identified warehouse, the review pages or
-- the exports without the key; `healtharchive reidentify` (audited) maps a key back for
-- authorised staff. A build step: dropped before analytics.duckdb is published.
SELECT resident_id, pseudonym(resident_id) AS person_key
FROM {{ ref('mpi__resident') }}
