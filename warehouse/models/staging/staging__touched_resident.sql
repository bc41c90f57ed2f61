-- The residents whose archive may differ from the previous warehouse's, when tonight's build is
-- incremental on top of it (in a full build the previous relations are empty, so every resident
-- is touched): a mention of theirs moved, appeared or left (the crosswalk before and after); a
-- record of theirs has a version loaded tonight (a new record, a correction, a deletion), before
-- or after the change, a hospital record through its encounter; their golden record appeared,
-- went or changed the night its archive began. Everyone else's timeline and documents are the
-- same as last night's and are carried forward.
{%- set via_encounter = encounter_detail_tables() %}
WITH link_change AS (
    SELECT now.resident_id AS now_resident, before.resident_id AS before_resident
    FROM {{ ref('mpi__record_link') }} AS now
    FULL OUTER JOIN {{ source('previous', 'record_link') }} AS before USING (mention_id)
    WHERE now.resident_id IS DISTINCT FROM before.resident_id
),
changed_record AS (
{%- for table in event_tables() %}
    {% if not loop.first %}UNION ALL {% endif -%}
    SELECT
        record_key, person_mention_id,
        {{ 'newborn_mention_id' if table == 'delivery' else 'CAST(NULL AS ' ~ text_type() ~ ')' }}
            AS other_mention_id,
        {{ 'encounter_key' if table in via_encounter else 'CAST(NULL AS ' ~ text_type() ~ ')' }}
            AS encounter_key
    FROM {{ source('std_tonight', table) }}
{%- endfor %}
),
changed_mention AS (
    SELECT person_mention_id AS mention_id FROM changed_record
    UNION SELECT other_mention_id FROM changed_record
    UNION
    -- every version's patient, not only the current one's: touching one resident too many
    -- rebuilds an archive that stays the same, and needs no current version of the history
    SELECT encounter.person_mention_id
    FROM {{ source('std_history', 'encounter') }} AS encounter
    WHERE encounter.record_key IN (SELECT encounter_key FROM changed_record)
),
changed_key AS (
    SELECT record_key FROM changed_record
    UNION SELECT encounter_key FROM changed_record
),
archive_start_change AS (
    SELECT coalesce(now.resident_id, before.resident_id) AS resident_id
    FROM {{ ref('mpi__resident') }} AS now
    FULL OUTER JOIN {{ source('previous', 'resident') }} AS before USING (resident_id)
    WHERE now.first_load_date IS DISTINCT FROM before.first_load_date
),
touched AS (
    SELECT now_resident AS resident_id FROM link_change
    UNION SELECT before_resident FROM link_change
    UNION
    SELECT link.resident_id
    FROM {{ ref('mpi__record_link') }} AS link
    JOIN changed_mention USING (mention_id)
    UNION
    SELECT before.resident_id
    FROM {{ source('previous', 'timeline') }} AS before
    WHERE before.record_key IN (SELECT record_key FROM changed_key)
        OR before.parent_key IN (SELECT record_key FROM changed_key)
    UNION SELECT resident_id FROM archive_start_change
)
SELECT DISTINCT resident_id
FROM touched
WHERE resident_id IS NOT NULL
ORDER BY resident_id
