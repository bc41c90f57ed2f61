-- mention_linked (lake): a person mention of the night was linked to a resident automatically
-- (患者主索引关联率); one waiting for review, pending, decided by hand or missing from the
-- crosswalk is not.
SELECT source, dataset, org_code, mention_id AS record_key, true AS checked,
       coalesce(link_method, 'unlinked') IN ({{ not_auto }}) AS failed
FROM {{ night }}
