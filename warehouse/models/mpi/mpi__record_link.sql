-- One row per current person mention: the resident it belongs to after night D, as the linkage
-- stage decided (the MPI crosswalk), with the night the mention first arrived.
-- A mention counts as linked automatically when the linker gave it a resident without a person
-- deciding: every link method except review / pending / manual / unlinked.
SELECT
    link.mention_id, link.source, link.org_code, link.dataset, link.record_id, link.role,
    link.resident_id, link.link_method, link.match_probability,
    link.resident_id IS NOT NULL
        AND coalesce(link.link_method, '') NOT IN ('review', 'pending', 'manual', 'unlinked')
        AS is_auto_linked,
    mention.first_load_date
FROM {{ source('mpi', 'record_link') }} AS link
LEFT JOIN {{ ref('staging__person_mention') }} AS mention USING (mention_id)
ORDER BY link.resident_id, link.mention_id
