-- Resident population per district and year (public reference data).
SELECT * FROM {{ ref('reference__population') }} ORDER BY district_code, year
