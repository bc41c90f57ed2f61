-- The city the platform serves, as a GB/T 2260 prefecture code: the first four digits most of
-- its districts share (population reference, else institutions) followed by 00; 'city' when no
-- reference data has been loaded.
WITH district AS (
    SELECT district_code FROM {{ ref('reference__population') }}
    UNION ALL
    SELECT district_code FROM {{ ref('reference__institution') }}
    WHERE NOT EXISTS (SELECT 1 FROM {{ ref('reference__population') }})
),
prefix AS (
    SELECT left(district_code, 4) AS prefix, count(*) AS n
    FROM district
    WHERE district_code IS NOT NULL
    GROUP BY ALL
)
SELECT coalesce((SELECT {{ first_by('prefix', ['n DESC', 'prefix']) }} FROM prefix) || '00', 'city')
    AS city_code
