-- resident_age (lake): the resident a record is linked to (MPI crosswalk of the night) has an
-- age at the event within [low, high) years, and with female_only is not male. Birth date and
-- sex are the resident's golden record (mpi.resident, as resident_fact), so a record whose own
-- row carries no birth date (hospital encounters, prenatal visits) is still checked.
SELECT n.source, n.dataset, n.org_code, n.record_key,
       r.birth_date IS NOT NULL AND n.event_time IS NOT NULL AS checked,
       date_diff('day', r.birth_date, CAST(n.event_time AS DATE)) / 365.25 < {{ low }}
       {%- if high is not none %}
       OR date_diff('day', r.birth_date, CAST(n.event_time AS DATE)) / 365.25 >= {{ high }}
       {%- endif %}
       {%- if female_only %} OR coalesce(r.sex_code = '1', false){% endif %} AS failed
FROM {{ night }} n
LEFT JOIN mention_link m ON m.mention_id = n.{{ field }}
LEFT JOIN resident_fact r ON r.resident_id = m.resident_id
