-- The months figures are reported for: every month up to night D in which anything reached the
-- platform (a person mention, a clinical record, a delivery, a quality result). A month is
-- measured as of its last day; the current month as of D.
WITH arrival AS (
    SELECT first_load_date AS day FROM {{ ref('staging__person_mention') }}
    UNION ALL SELECT first_load_date FROM {{ ref('staging__event_arrival') }}
    UNION ALL SELECT load_date FROM {{ ref('ops__load_log') }}
    UNION ALL SELECT run_date FROM {{ ref('quality__result') }}
),
month AS (
    SELECT DISTINCT CAST(date_trunc('month', day) AS DATE) AS period_start
    FROM arrival
    WHERE day <= {{ as_of() }}
)
SELECT
    {{ year_month('period_start') }} AS period,
    period_start,
    least(last_day(period_start), {{ as_of() }}) AS period_end
FROM month
ORDER BY period_start
