-- One row per current person mention: the resident it belongs to after night D, as the linkage
-- stage decided (the MPI crosswalk), with the night the mention first arrived.
-- A mention counts as linked automatically when the linker gave it a resident without a person
-- deciding: every link method except review / pending / manual / unlinked.
-- depends: staging.person_mention
CREATE OR REPLACE TABLE mpi.record_link AS
SELECT
    link.mention_id, link.source, link.org_code, link.dataset, link.record_id, link.role,
    link.resident_id, link.link_method, link.match_probability,
    link.resident_id IS NOT NULL
        AND coalesce(link.link_method, '') NOT IN ('review', 'pending', 'manual', 'unlinked')
        AS is_auto_linked,
    mention.first_load_date
FROM ({{ crosswalk() }}) AS link
LEFT JOIN staging.person_mention AS mention USING (mention_id)
ORDER BY link.resident_id, link.mention_id;

COMMENT ON COLUMN mpi.record_link.mention_id IS 'source:org_code:dataset:record_id:role';
COMMENT ON COLUMN mpi.record_link.role IS 'patient | recipient | mother | newborn | child | examinee';
COMMENT ON COLUMN mpi.record_link.resident_id IS 'persistent master index id of the resident';
COMMENT ON COLUMN mpi.record_link.link_method IS 'how the linker decided (auto, singleton, …)';
COMMENT ON COLUMN mpi.record_link.match_probability IS 'probability of the best link that placed the mention';
COMMENT ON COLUMN mpi.record_link.is_auto_linked IS 'linked to a resident without human review (linkage_rate)';
COMMENT ON COLUMN mpi.record_link.first_load_date IS 'night the mention first reached the platform';
