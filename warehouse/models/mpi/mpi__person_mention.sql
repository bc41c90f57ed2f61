-- One row per current person mention with its standardised identity fields and the resident it
-- is linked to: what a reviewer or an ID-number lookup needs. Restricted: it holds identities.
SELECT
    link.resident_id, mention.mention_id, mention.source, mention.org_code, mention.dataset,
    mention.record_id, mention.role, mention.id_type, mention.id_no, mention.id_no_valid,
    mention.id_damage, mention.name, mention.name_is_placeholder, mention.sex_code,
    mention.birth_date, mention.phone, mention.address, mention.district_code,
    mention.mother_id_no, mention.mother_name, mention.event_date, mention.arrived_at,
    mention.first_load_date, mention.source_file, mention.load_id
FROM {{ ref('staging__person_mention') }} AS mention
JOIN {{ ref('mpi__record_link') }} AS link USING (mention_id)
ORDER BY link.resident_id, mention.mention_id
