-- The record-level indicators' numerators and denominators per day, institution and delivered
-- dataset, before they are summed into months and scopes: deliveries received (record_count),
-- clinical records uploaded within 24 h (upload_timely_rate), required fields filled and values
-- conforming (completeness_rate, conformance_rate, from quality.result), person mentions with a
-- valid ID number and linked automatically (valid_id_rate, linkage_rate). Records count in the
-- month they first reached the platform. Definitions: warehouse/metrics/README.md.
WITH measure AS (
    SELECT load_date AS day, org_code, source, dataset, 'record_count' AS indicator_code,
        sum(rows_delivered) AS numerator, CAST(NULL AS BIGINT) AS denominator
    FROM {{ ref('ops__load_log') }}
    GROUP BY ALL
    UNION ALL
    SELECT first_load_date, org_code, source, dataset, 'upload_timely_rate',
        count_if(first_arrived_at <= event_time + INTERVAL 24 HOUR), count(*)
    FROM {{ ref('staging__event_arrival') }}
    WHERE event_time IS NOT NULL AND first_arrived_at IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT run_date, org_code, source, dataset, dimension || '_rate',
        sum(checked - failed), sum(checked)
    FROM {{ ref('quality__result') }}
    WHERE dimension IN ('completeness', 'conformance')
    GROUP BY ALL
    UNION ALL
    SELECT first_load_date, org_code, source, dataset, 'valid_id_rate',
        count_if(id_no_valid), count(*)
    FROM {{ ref('staging__person_mention') }}
    GROUP BY ALL
    UNION ALL
    SELECT first_load_date, org_code, source, dataset, 'linkage_rate',
        count_if(is_auto_linked), count(*)
    FROM {{ ref('mpi__record_link') }}
    WHERE first_load_date IS NOT NULL
    GROUP BY ALL
)
SELECT
    {{ year_month('day') }} AS period,
    coalesce(org_code, 'unknown') AS org_code,
    -- 'hospital/encounter' whether the dataset arrives as 'hospital.encounter' or 'encounter'
    -- ('[.]', not '\.': Spark's string literals take the backslash as an escape)
    source || '/' || regexp_replace(dataset, '^' || source || '[.]', '') AS breakdown,
    indicator_code,
    CAST(sum(numerator) AS BIGINT) AS numerator,
    CAST(sum(denominator) AS BIGINT) AS denominator
FROM measure
WHERE day <= {{ as_of() }}
GROUP BY ALL
