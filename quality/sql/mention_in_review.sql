-- mention_in_review (lake): a person mention of the night is in none of the pairs the linker
-- sent to the review queue tonight (the share sent to review).
SELECT source, dataset, org_code, mention_id AS record_key, true AS checked,
       mention_id IN (SELECT mention_id FROM review_mention) AS failed
FROM {{ night }}
