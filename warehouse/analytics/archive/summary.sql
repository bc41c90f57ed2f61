-- The summary page (首页) of every archive for analysis, keyed by the pseudonymous person_key: the
-- health flags and service history in numbers as in the restricted warehouse, with the birth year
-- instead of the birth date and age, and the district instead of any address.
-- depends: staging.person_key
CREATE OR REPLACE TABLE archive.summary AS
SELECT
    k.person_key, as_of_date, sex_code, year(birth_date) AS birth_year, district_code, is_mch,
    is_elderly, has_hypertension, has_diabetes, blood_type_code, blood_type, service_count,
    first_service_time, last_service_time, org_count, document_codes, archive_since
FROM wh.archive.summary AS s
JOIN staging.person_key AS k USING (resident_id)
ORDER BY person_key;

COMMENT ON COLUMN archive.summary.birth_year IS 'year of the golden-record birth date (the date itself is not published here)';
