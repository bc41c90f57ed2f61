-- Resident population per district and year (public reference data).
-- depends:
CREATE OR REPLACE TABLE reference.population AS
SELECT * FROM wh.reference.population ORDER BY district_code, year;
