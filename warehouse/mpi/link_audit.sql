-- One row per change the linkage stage made to the master person index, every night through D:
-- a mention moved to another resident by a reviewer's match (merge) or non-match (split),
-- re-matched after its record was corrected (move), or deleted at source (remove); and one row
-- per retired resident id (retire). Keys only: mention and resident ids, never identities.
-- depends:
CREATE OR REPLACE TABLE mpi.link_audit AS
SELECT
    run_date, seq, action, mention_id, resident_before, resident_after, reason,
    match_weight, match_probability, decision_id, model_version
FROM ({{ daily('link_audit') }})
ORDER BY run_date, seq;

COMMENT ON COLUMN mpi.link_audit.run_date IS 'the night (logical date) of the linkage run that made the change';
COMMENT ON COLUMN mpi.link_audit.action IS 'merge | split | move | remove | retire';
COMMENT ON COLUMN mpi.link_audit.resident_before IS 'resident the mention belonged to before (retire: the retired id)';
COMMENT ON COLUMN mpi.link_audit.resident_after IS 'resident it belongs to after (retire: the survivor, if any)';
COMMENT ON COLUMN mpi.link_audit.match_weight IS 'match weight of the pair that caused the change, when one did';
COMMENT ON COLUMN mpi.link_audit.decision_id IS 'the reviewer decision (file:line under data/mpi/decisions) behind a merge or split';
