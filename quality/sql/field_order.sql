-- field_order: the earlier value must not come after the later one (admission before
-- discharge, birth before the event, diastolic below systolic). A row missing either value is
-- not checked. Expressions arrive typed: times as TIMESTAMPTZ, measurements as numbers.
SELECT {{ org }} AS org_code, {{ key }} AS record_key,
       ({{ earlier }}) IS NOT NULL AND ({{ later }}) IS NOT NULL AS checked,
       ({{ earlier }}) > ({{ later }}) AS failed
FROM {{ table }}
