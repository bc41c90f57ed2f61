-- For each reported month, every resident whose archive existed at the month's end, with its
-- flags as of that day: active (an event in the 12 months ending that day), cross-institution,
-- split by an ID-number-only index.
WITH event_day AS (
    SELECT DISTINCT resident_id, CAST(event_time AS DATE) AS event_date
    FROM {{ ref('archive__timeline') }}
),
active AS (
    SELECT DISTINCT period.period, event_day.resident_id
    FROM {{ ref('intermediate__period') }} AS period
    JOIN event_day
        ON event_day.event_date > period.period_end - INTERVAL 12 MONTH
        AND event_day.event_date <= period.period_end
)
SELECT
    period.period,
    period.period_end,
    state.resident_id,
    state.district_code,
    active.resident_id IS NOT NULL AS is_active,
    coalesce(state.cross_org_since <= period.period_end, false) AS is_cross_org,
    coalesce(state.split_since <= period.period_end, false) AS is_split
FROM {{ ref('intermediate__period') }} AS period
JOIN {{ ref('intermediate__resident_state') }} AS state ON state.archive_since <= period.period_end
LEFT JOIN active ON active.period = period.period AND active.resident_id = state.resident_id
