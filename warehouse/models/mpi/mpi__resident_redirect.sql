-- One row per retired resident id: the resident it now resolves to, following chains of merges
-- (R1 merged into R2, later R2 into R3: R1 resolves to R3), so an archive or a downstream system
-- that stored a retired id still finds its resident. Retired ids are never reissued. A resident
-- whose every record was deleted at source resolves to nothing (survivor NULL).
WITH RECURSIVE direct AS (
    SELECT retired_resident_id, survivor_resident_id, reason, retired_on
    FROM {{ source('nightly', 'resident_redirect') }}
    QUALIFY row_number() OVER (PARTITION BY retired_resident_id ORDER BY retired_on DESC) = 1
),
chain(retired_resident_id, resident_id, hops) AS (
    SELECT retired_resident_id, survivor_resident_id, 1 FROM direct
    UNION ALL
    SELECT chain.retired_resident_id, direct.survivor_resident_id, chain.hops + 1
    FROM chain JOIN direct ON direct.retired_resident_id = chain.resident_id
    WHERE chain.hops < 100
)
SELECT
    direct.retired_resident_id,
    {{ first_by('chain.resident_id', ['chain.hops DESC']) }} AS survivor_resident_id,
    direct.survivor_resident_id AS merged_into,
    direct.reason,
    direct.retired_on
FROM direct JOIN chain USING (retired_resident_id)
GROUP BY ALL
ORDER BY direct.retired_resident_id
