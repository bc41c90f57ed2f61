-- One row per current clinical record of every standardised event table, with the moment its
-- first version reached the platform: a later correction must not make an upload look late.
{% for table in event_tables() %}
{% if not loop.first %}UNION ALL{% endif %}
SELECT
    current.record_key, current.source, current.dataset, current.org_code, current.event_time,
    first_seen.first_arrived_at, first_seen.first_load_date
FROM {{ source('std', table) }} AS current
JOIN (
    SELECT record_key, min(arrived_at) AS first_arrived_at, min(load_date) AS first_load_date
    FROM {{ source('std_history', table) }}
    WHERE NOT is_deleted
    GROUP BY record_key
) AS first_seen USING (record_key)
{% endfor %}
