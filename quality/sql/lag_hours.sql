-- lag_hours: hours from the clinical event to the moment the record reached the platform
-- (updated_at / exported_at); more than max_hours is late (上传及时率). A row missing either
-- is not checked.
SELECT {{ org }} AS org_code, {{ key }} AS record_key,
       ({{ event }}) IS NOT NULL AND ({{ arrival }}) IS NOT NULL AS checked,
       epoch({{ arrival }}) - epoch({{ event }}) > {{ max_hours }} * 3600 AS failed
FROM {{ table }}
