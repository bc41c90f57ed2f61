-- The city the platform serves, as a GB/T 2260 prefecture code: the first four digits most of
-- its districts share (population reference, else institutions) followed by 00; 'city' when no
-- reference data has been loaded.
-- depends: reference.population, reference.institution
CREATE OR REPLACE TABLE intermediate.city AS
WITH district AS (
    SELECT district_code FROM reference.population
    UNION ALL
    SELECT district_code FROM reference.institution
    WHERE NOT EXISTS (SELECT 1 FROM reference.population)
),
prefix AS (
    SELECT left(district_code, 4) AS prefix, count(*) AS n
    FROM district
    WHERE district_code IS NOT NULL
    GROUP BY ALL
)
SELECT coalesce((SELECT first(prefix ORDER BY n DESC, prefix) FROM prefix) || '00', 'city')
    AS city_code;
