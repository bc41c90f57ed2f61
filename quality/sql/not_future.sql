-- not_future: a date or time cannot lie after the night the delivery was made for. The bound
-- is the end of the logical date plus a grace period (exports may run after midnight); it
-- deliberately ignores the wall clock so that rerunning an old night gives the same answer.
SELECT {{ org }} AS org_code, {{ key }} AS record_key,
       ({{ value }}) IS NOT NULL AS checked,
       ({{ value }}) > {{ bound }} AS failed
FROM {{ table }}
