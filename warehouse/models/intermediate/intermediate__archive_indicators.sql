-- The archive indicators (archive_count, archive_coverage_rate, archive_active_rate,
-- cross_org_rate, duplicate_archive_rate) per month, counted over residents: the whole city,
-- each district (the resident's golden-record district) and each institution (the residents it
-- holds a record of). Coverage exists for the city and districts only: population is not known
-- per institution. Definitions: warehouse/metrics/README.md.
WITH scoped AS (
    SELECT rp.period, 'city' AS scope_type, city.city_code AS scope_code, rp.resident_id,
        rp.is_active, rp.is_cross_org, rp.is_split
    FROM {{ ref('intermediate__resident_period') }} AS rp, {{ ref('intermediate__city') }} AS city
    UNION ALL
    SELECT period, 'district', district_code, resident_id, is_active, is_cross_org, is_split
    FROM {{ ref('intermediate__resident_period') }}
    UNION ALL
    SELECT rp.period, 'org', ro.org_code, rp.resident_id, rp.is_active, rp.is_cross_org,
        rp.is_split
    FROM {{ ref('intermediate__resident_period') }} AS rp
    JOIN {{ ref('intermediate__resident_org') }} AS ro
        ON ro.resident_id = rp.resident_id AND ro.since <= rp.period_end
),
counted AS (
    SELECT
        period, scope_type, scope_code, count(*) AS archives, count_if(is_active) AS active,
        count_if(is_cross_org) AS cross_org, count_if(is_split) AS split
    FROM scoped
    GROUP BY ALL
),
population AS (
    -- the population of the month's year, else of the nearest year delivered
    SELECT
        period.period, pop.district_code,
        {{ first_by('pop.resident_population',
            ['abs(pop.year - year(period.period_start))', 'pop.year DESC']) }} AS population
    FROM {{ ref('intermediate__period') }} AS period, {{ ref('reference__population') }} AS pop
    GROUP BY ALL
),
coverage AS (
    SELECT
        population.period, 'district' AS scope_type, population.district_code AS scope_code,
        coalesce(counted.archives, 0) AS archives, population.population
    FROM population
    LEFT JOIN counted
        ON counted.period = population.period
        AND counted.scope_type = 'district'
        AND counted.scope_code = population.district_code
)
SELECT period, scope_type, scope_code, 'archive_count' AS indicator_code,
    archives AS numerator, CAST(NULL AS BIGINT) AS denominator
FROM counted
UNION ALL
SELECT period, scope_type, scope_code, 'archive_active_rate', active, archives FROM counted
UNION ALL
SELECT period, scope_type, scope_code, 'cross_org_rate', cross_org, archives FROM counted
UNION ALL
SELECT period, scope_type, scope_code, 'duplicate_archive_rate', split, archives FROM counted
UNION ALL
SELECT period, scope_type, scope_code, 'archive_coverage_rate', archives, population
FROM coverage
UNION ALL
SELECT coverage.period, 'city', city.city_code, 'archive_coverage_rate',
    sum(coverage.archives), sum(coverage.population)
FROM coverage, {{ ref('intermediate__city') }} AS city
GROUP BY ALL
