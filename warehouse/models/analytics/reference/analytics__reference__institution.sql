-- The institutions that deliver, with their district (public reference data).
SELECT * FROM {{ ref('reference__institution') }} ORDER BY org_code
