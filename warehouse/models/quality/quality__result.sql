-- Every quality check result of every night up to D: one row per night, institution, dataset,
-- check and field (checked rows, failed rows, severity, threshold, passed, a few failing record
-- keys), from the validate stage (raw deliveries) and the check stage after link (standardised
-- lake and MPI).
{{ config(materialized='incremental', incremental_strategy='append') }}
-- incremental: every night through D in a full build; only tonight's partition on top of
-- the previous warehouse's rows (the nights before do not change)
-- depends_on: {{ source('tonight', 'quality_result') }}
SELECT run_date, source, org_code, dataset, check_code, field, dimension, checked, failed,
       severity, threshold, passed, description, examples
FROM {% if is_incremental() %}{{ source('tonight', 'quality_result') }}{% else %}{{ source('nightly', 'quality_result') }}{% endif %}
ORDER BY run_date, source, org_code, dataset, check_code, field
