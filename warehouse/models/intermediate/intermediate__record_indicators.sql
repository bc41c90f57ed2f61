-- The record-level indicators per month for the city, each district (where the institution is)
-- and each institution, each as a total (breakdown '') and per delivered dataset (breakdown
-- 'source/dataset'): numerators and denominators are summed, never rates averaged.
WITH measure AS (
    SELECT
        measure.*, coalesce(institution.district_code, 'unknown') AS district_code,
        city.city_code
    FROM {{ ref('intermediate__record_measure') }} AS measure
    LEFT JOIN {{ ref('reference__institution') }} AS institution USING (org_code)
    CROSS JOIN {{ ref('intermediate__city') }} AS city
)
SELECT
    period,
    CASE
        WHEN grouping(org_code) = 0 THEN 'org'
        WHEN grouping(district_code) = 0 THEN 'district'
        ELSE 'city'
    END AS scope_type,
    CASE
        WHEN grouping(org_code) = 0 THEN org_code
        WHEN grouping(district_code) = 0 THEN district_code
        ELSE city_code
    END AS scope_code,
    indicator_code,
    CASE WHEN grouping(breakdown) = 0 THEN breakdown ELSE '' END AS breakdown,
    CAST(sum(numerator) AS BIGINT) AS numerator,
    CAST(sum(denominator) AS BIGINT) AS denominator
FROM measure
GROUP BY GROUPING SETS (
    (period, indicator_code, city_code),
    (period, indicator_code, city_code, breakdown),
    (period, indicator_code, district_code),
    (period, indicator_code, district_code, breakdown),
    (period, indicator_code, org_code),
    (period, indicator_code, org_code, breakdown)
)
