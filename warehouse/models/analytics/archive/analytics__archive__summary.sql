-- The summary page (首页) of every archive for analysis, keyed by the pseudonymous person_key: the
-- health flags and service history in numbers as in the restricted warehouse, with the birth year
-- instead of the birth date and age, and the district instead of any address.
SELECT
    k.person_key, as_of_date, sex_code, year(birth_date) AS birth_year, district_code, is_mch,
    is_elderly, has_hypertension, has_diabetes, blood_type_code, blood_type, service_count,
    first_service_time, last_service_time, org_count, document_codes, archive_since
FROM {{ ref('archive__summary') }} AS s
JOIN {{ ref('staging__person_key') }} AS k USING (resident_id)
ORDER BY person_key
