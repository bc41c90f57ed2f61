-- The indicators exactly as in the restricted warehouse (they hold counts, not persons).
-- Definitions: warehouse/metrics/README.md.
SELECT * FROM {{ ref('metrics__indicator') }}
ORDER BY period, indicator_code, scope_type, scope_code, breakdown
