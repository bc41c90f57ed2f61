-- One row per resident for analysis, keyed by resident_id: a pseudonymous person key
-- (HMAC-SHA256 of the checksum-valid ID number under the platform's secret key), sex, birth year
-- and district. Never the name, ID number, phone, address or exact birth date.
-- depends:
CREATE OR REPLACE TABLE archive.resident AS
SELECT
    resident_id,
    CASE WHEN id_no_valid THEN pseudonym(id_no) END AS person_key,
    sex_code,
    year(birth_date) AS birth_year,
    district_code,
    first_load_date AS archive_since,
    mention_count,
    org_count
FROM wh.mpi.resident
ORDER BY resident_id;

COMMENT ON COLUMN archive.resident.person_key IS 'HMAC-SHA256 of the valid ID number (key from HEALTHARCHIVE_PSEUDONYM_KEY[_FILE]); NULL without one';
COMMENT ON COLUMN archive.resident.birth_year IS 'year of the golden-record birth date';
COMMENT ON COLUMN archive.resident.district_code IS 'GB/T 2260 district of residence (from the address, else the usual institution)';
