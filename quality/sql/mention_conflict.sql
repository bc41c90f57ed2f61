-- mention_conflict (lake): a person mention of the night whose delivered value disagrees with
-- the one encoded in its valid ID number (standardise sets the conflict flag; NULL when either
-- is missing, and then the mention is not checked).
SELECT source, dataset, org_code, mention_id AS record_key,
       {{ conflict }} IS NOT NULL AS checked,
       coalesce({{ conflict }}, false) AS failed
FROM {{ night }}
