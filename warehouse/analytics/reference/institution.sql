-- The institutions that deliver, with their district (public reference data).
-- depends:
CREATE OR REPLACE TABLE reference.institution AS
SELECT * FROM wh.reference.institution ORDER BY org_code;
