-- One row per current person mention with its standardised identity fields and the resident it
-- is linked to: what a reviewer or an ID-number lookup needs. Restricted: it holds identities.
-- depends: staging.person_mention, mpi.record_link
CREATE OR REPLACE TABLE mpi.person_mention AS
SELECT
    link.resident_id, mention.mention_id, mention.source, mention.org_code, mention.dataset,
    mention.record_id, mention.role, mention.id_type, mention.id_no, mention.id_no_valid,
    mention.id_damage, mention.name, mention.name_is_placeholder, mention.sex_code,
    mention.birth_date, mention.phone, mention.address, mention.district_code,
    mention.mother_id_no, mention.mother_name, mention.event_date, mention.arrived_at,
    mention.first_load_date, mention.source_file, mention.load_id
FROM staging.person_mention AS mention
JOIN mpi.record_link AS link USING (mention_id)
ORDER BY link.resident_id, mention.mention_id;

COMMENT ON COLUMN mpi.person_mention.id_no IS 'standardised ID number as delivered on this record (not the golden one)';
COMMENT ON COLUMN mpi.person_mention.id_damage IS 'what standardisation found wrong with the delivered ID number';
