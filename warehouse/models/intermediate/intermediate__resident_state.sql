-- One row per resident with the nights its archive-level facts became true: the archive exists
-- from its first record; it is cross-institution from the first record of a second institution;
-- an ID-number-only index would split it from the arrival of a second ID-only key (a distinct
-- standardised ID number, or any mention without one, which such an index cannot place).
WITH org_nights AS (
    SELECT resident_id, {{ sorted_list('since') }} AS nights
    FROM {{ ref('intermediate__resident_org') }}
    GROUP BY resident_id
),
id_only_key AS (
    SELECT
        link.resident_id,
        coalesce('id:' || mention.id_no, 'mention:' || mention.mention_id) AS id_only_key,
        min(mention.first_load_date) AS since
    FROM {{ ref('mpi__record_link') }} AS link
    JOIN {{ ref('staging__person_mention') }} AS mention USING (mention_id)
    WHERE link.resident_id IS NOT NULL
    GROUP BY ALL
),
key_nights AS (
    SELECT resident_id, {{ sorted_list('since') }} AS nights
    FROM id_only_key
    GROUP BY resident_id
)
SELECT
    resident.resident_id,
    coalesce(resident.district_code, 'unknown') AS district_code,
    {{ list_item('org_nights.nights', 1) }} AS archive_since,
    {{ list_item('org_nights.nights', 2) }} AS cross_org_since,
    {{ list_item('key_nights.nights', 2) }} AS split_since
FROM {{ ref('mpi__resident') }} AS resident
JOIN org_nights USING (resident_id)
LEFT JOIN key_nights USING (resident_id)
