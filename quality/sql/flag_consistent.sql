-- flag_consistent: a lab result's abnormal flag (H, L, N) agrees with its value and the
-- reference range sent with it ("low-high"): above → H, below → L, inside → N. A row without a
-- value, a flag or a readable range is not checked.
SELECT org_code, record_key,
       value IS NOT NULL AND flag IN ('H', 'L', 'N') AND low IS NOT NULL AND high IS NOT NULL
           AS checked,
       flag <> CASE WHEN value > high THEN 'H' WHEN value < low THEN 'L' ELSE 'N' END AS failed
FROM (
    SELECT {{ org }} AS org_code, {{ key }} AS record_key, {{ value }} AS value,
           upper(trim({{ flag }})) AS flag,
           TRY_CAST(regexp_extract({{ ref_range }}, '^\s*([0-9.]+)\s*-\s*([0-9.]+)\s*$', 1) AS DOUBLE) AS low,
           TRY_CAST(regexp_extract({{ ref_range }}, '^\s*([0-9.]+)\s*-\s*([0-9.]+)\s*$', 2) AS DOUBLE) AS high
    FROM {{ table }}
)
