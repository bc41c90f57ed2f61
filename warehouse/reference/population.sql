-- Resident population (常住人口) per district and year from the statistics bureau
-- (reference/population.csv): the denominator of the archive coverage rate.
-- depends:
CREATE OR REPLACE TABLE reference.population AS
SELECT district_code, district_name, year, resident_population
FROM ({{ reference('population') }})
ORDER BY district_code, year;
