-- field_order: the earlier value must not come after the later one (admission before
-- discharge, birth before the event, diastolic below systolic). A row missing either value is
-- not checked. Expressions arrive typed: times as TIMESTAMPTZ, measurements as numbers.
SELECT org_code,
       count(*) FILTER (WHERE earlier IS NOT NULL AND later IS NOT NULL) AS checked,
       count(*) FILTER (WHERE earlier > later) AS failed
FROM (
    SELECT {{ org }} AS org_code, {{ earlier }} AS earlier, {{ later }} AS later
    FROM {{ table }}
)
GROUP BY org_code
