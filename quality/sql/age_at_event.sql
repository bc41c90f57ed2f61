-- age_at_event: the person's age at the event, from the birth date on the same row, lies in
-- [low, high) years: pregnancy care only for women of plausible age, child checkups only for
-- children. A row missing either date (or with an unreadable one) is not checked.
SELECT {{ org }} AS org_code, {{ key }} AS record_key,
       ({{ birth }}) IS NOT NULL AND ({{ event }}) IS NOT NULL AS checked,
       (epoch({{ event }}) - epoch({{ birth }})) / (365.25 * 86400) NOT BETWEEN {{ low }} AND {{ high }}
           AS failed
FROM {{ table }}
