-- lag_hours: hours from the clinical event to the moment the record reached the platform
-- (updated_at / exported_at); more than max_hours is late. A row missing either is not checked.
SELECT org_code,
       count(*) FILTER (WHERE event IS NOT NULL AND arrival IS NOT NULL) AS checked,
       count(*) FILTER (WHERE epoch(arrival) - epoch(event) > {{ max_hours }} * 3600) AS failed
FROM (
    SELECT {{ org }} AS org_code, {{ event }} AS event, {{ arrival }} AS arrival
    FROM {{ table }}
)
GROUP BY org_code
