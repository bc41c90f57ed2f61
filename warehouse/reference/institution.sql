-- The institutions that deliver (reference/institutions.csv from the health commission): one row
-- per org_code with its district; an institution missing here falls under district 'unknown'.
-- depends:
CREATE OR REPLACE TABLE reference.institution AS
SELECT org_code, org_name, district_code, org_type, systems
FROM ({{ reference('institutions') }})
ORDER BY org_code;

COMMENT ON COLUMN reference.institution.district_code IS 'GB/T 2260 district the institution is in';
COMMENT ON COLUMN reference.institution.systems IS 'which of hospital;vaccination;mch;checkup it delivers';
