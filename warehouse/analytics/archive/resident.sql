-- One row per resident for analysis, keyed by the pseudonymous person_key (HMAC of the
-- resident): sex, birth year and district. Never the resident_id, name, ID number, phone,
-- address or exact birth date.
-- depends: staging.person_key
CREATE OR REPLACE TABLE archive.resident AS
SELECT
    k.person_key,
    r.sex_code,
    year(r.birth_date) AS birth_year,
    r.district_code,
    r.first_load_date AS archive_since,
    r.mention_count,
    r.org_count
FROM wh.mpi.resident AS r
JOIN staging.person_key AS k USING (resident_id)
ORDER BY k.person_key;

COMMENT ON COLUMN archive.resident.birth_year IS 'year of the golden-record birth date';
COMMENT ON COLUMN archive.resident.district_code IS 'GB/T 2260 district of residence (from the address, else the usual institution)';
