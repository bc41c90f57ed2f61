-- The indicators exactly as in the restricted warehouse (they hold counts, not persons).
-- Definitions: warehouse/metrics/README.md.
-- depends:
CREATE OR REPLACE TABLE metrics.indicator AS
SELECT * FROM wh.metrics.indicator
ORDER BY period, indicator_code, scope_type, scope_code, breakdown;
