-- Every quality check result of every night up to D, as the validate stage wrote it: one row per
-- night, institution, dataset and check (checked rows, failed rows, severity).
-- depends:
CREATE OR REPLACE TABLE quality.result AS
SELECT *
FROM ({{ daily('quality') }})
ORDER BY run_date, source, org_code, dataset, check_code;

COMMENT ON COLUMN quality.result.dimension IS 'Kahn category: conformance, completeness, plausibility, timeliness, identity';
COMMENT ON COLUMN quality.result.checked IS 'rows (or values) the check looked at';
COMMENT ON COLUMN quality.result.failed IS 'rows (or values) that failed it';
