-- One row per change the linkage stage made to the master person index, every night through D:
-- a mention moved to another resident by a reviewer's match (merge) or non-match (split),
-- re-matched after its record was corrected (move), or deleted at source (remove); and one row
-- per retired resident id (retire). Keys only: mention and resident ids, never identities.
{{ config(materialized='incremental', incremental_strategy='append') }}
-- incremental: every night through D in a full build; only tonight's partition on top of
-- the previous warehouse's rows (the nights before do not change)
-- depends_on: {{ source('tonight', 'link_audit') }}
SELECT
    run_date, seq, action, mention_id, resident_before, resident_after, reason,
    match_weight, match_probability, decision_id, model_version
FROM {% if is_incremental() %}{{ source('tonight', 'link_audit') }}{% else %}{{ source('nightly', 'link_audit') }}{% endif %}
ORDER BY run_date, seq
