-- encounter_delivered (lake): a diagnosis, prescription, lab result or exam report names an
-- encounter the hospital has delivered and not deleted by the end of the night; the night
-- relation is the details loaded grace_days ago. Relational conformance: a row whose encounter
-- never came cannot join a visit in the archive. (No Jinja in these comments: a relation's SQL
-- spans lines.)
SELECT n.source, n.dataset, n.org_code, n.record_key,
       n.{{ field }} IS NOT NULL AS checked,
       e.record_key IS NULL AS failed
FROM {{ night }} n
LEFT JOIN current_encounter e ON e.record_key = n.{{ field }}
