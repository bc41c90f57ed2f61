-- dose_order (lake): per resident and vaccine, dose numbers rise with the vaccination time: a
-- dose whose number is below one given earlier fails. The same number again (a yearly flu
-- shot, a repeated dose) is not a failure. Voided doses do not count.
SELECT source, dataset, org_code, record_key, true AS checked,
       coalesce({{ field }} < highest_before, false) AS failed
FROM (
    SELECT d.*, max(d.{{ field }}) OVER (
               PARTITION BY m.resident_id, d.vaccine_code ORDER BY d.event_time, d.record_key
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS highest_before
    FROM current_immunization d
    JOIN mention_link m ON m.mention_id = d.person_mention_id
    WHERE d.status = 'active' AND d.{{ field }} IS NOT NULL AND d.event_time IS NOT NULL
)
WHERE load_date = {{ day }}
