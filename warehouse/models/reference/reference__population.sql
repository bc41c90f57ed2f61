-- Resident population (常住人口) per district and year from the statistics bureau
-- (reference/population.csv): the denominator of the archive coverage rate.
SELECT district_code, district_name, year, resident_population
FROM {{ source('reference', 'population') }}
ORDER BY district_code, year
