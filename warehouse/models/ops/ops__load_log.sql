-- Every delivery of every night up to D and what became of it (loaded, empty, incomplete, drift,
-- missing), with rows delivered = accepted + quarantined.
{{ config(materialized='incremental', incremental_strategy='append') }}
-- incremental: every night through D in a full build; only tonight's partition on top of
-- the previous warehouse's rows (the nights before do not change)
-- depends_on: {{ source('tonight', 'load_log') }}
SELECT *
FROM {% if is_incremental() %}{{ source('tonight', 'load_log') }}{% else %}{{ source('nightly', 'load_log') }}{% endif %}
ORDER BY load_date, source, dataset, org_code, load_id
