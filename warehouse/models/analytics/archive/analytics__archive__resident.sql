-- One row per resident for analysis, keyed by the pseudonymous person_key (HMAC of the
-- resident): sex, birth year and district. Never the resident_id, name, ID number, phone,
-- address or exact birth date.
SELECT
    k.person_key,
    r.sex_code,
    year(r.birth_date) AS birth_year,
    r.district_code,
    r.first_load_date AS archive_since,
    r.mention_count,
    r.org_count
FROM {{ ref('mpi__resident') }} AS r
JOIN {{ ref('staging__person_key') }} AS k USING (resident_id)
ORDER BY k.person_key
