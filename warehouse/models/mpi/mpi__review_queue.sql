-- The pairs of person mentions waiting for a reviewer after night D: scored between the review
-- and automatic-link thresholds, red-flagged (e.g. the same ID number with conflicting birth
-- dates), or automatic links held back because they would merge two existing residents. A pair
-- stays until a reviewer decides it (healtharchive review apply) or its mentions share a
-- resident. Each row has every field's comparison level and the match weight; join
-- mpi.person_mention on mention_id_l / mention_id_r to see the identities.
SELECT *
FROM {{ source('mpi', 'review_queue') }}
ORDER BY mention_id_l, mention_id_r
