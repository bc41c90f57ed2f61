-- Quality check results per night, institution, dataset and check (counts only).
-- depends:
CREATE OR REPLACE TABLE quality.result AS
SELECT run_date, source, org_code, dataset, check_code, dimension, checked, failed, severity
FROM wh.quality.result
ORDER BY run_date, source, org_code, dataset, check_code;
