-- Quality check results per night, institution, dataset and check (counts only).
SELECT run_date, source, org_code, dataset, check_code, dimension, checked, failed, severity
FROM {{ ref('quality__result') }}
ORDER BY run_date, source, org_code, dataset, check_code
