-- The pairs of person mentions the linker could not decide on night D (between the review and
-- automatic-link thresholds, or a red flag such as the same ID number with conflicting birth
-- dates), as it wrote them; join mpi.person_mention on mention_id_l / mention_id_r to review.
-- depends:
CREATE OR REPLACE TABLE mpi.review_queue AS
SELECT *
FROM ({{ review_queue() }})
ORDER BY mention_id_l, mention_id_r;
