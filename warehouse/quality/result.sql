-- Every quality check result of every night up to D: one row per night, institution, dataset,
-- check and field (checked rows, failed rows, severity, threshold, passed, a few failing record
-- keys), from the validate stage (raw deliveries) and the check stage after link (standardised
-- lake and MPI).
-- depends:
CREATE OR REPLACE TABLE quality.result AS
SELECT run_date, source, org_code, dataset, check_code, field, dimension, checked, failed,
       severity, threshold, passed, description, examples
FROM ({{ daily('quality') }})
ORDER BY run_date, source, org_code, dataset, check_code, field;

COMMENT ON COLUMN quality.result.field IS 'the checked column (value[HGB]: one code of it); empty for a check on whole rows or deliveries';
COMMENT ON COLUMN quality.result.dimension IS 'Kahn category: conformance, completeness, plausibility, timeliness, identity';
COMMENT ON COLUMN quality.result.checked IS 'rows (or values) the check looked at';
COMMENT ON COLUMN quality.result.failed IS 'rows (or values) that failed it';
COMMENT ON COLUMN quality.result.severity IS 'fatal (the delivery is held back), warn or info (reported)';
COMMENT ON COLUMN quality.result.threshold IS 'largest failed share, in percent, the check tolerates (quality/thresholds.csv)';
COMMENT ON COLUMN quality.result.passed IS 'failed share within the threshold';
COMMENT ON COLUMN quality.result.description IS 'what the check verifies (quality/checks.yaml)';
COMMENT ON COLUMN quality.result.examples IS 'up to three failing record keys (source:org_code:dataset:record_id or mention_id), never identities';
