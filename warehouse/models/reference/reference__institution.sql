-- The institutions that deliver (reference/institutions.csv from the health commission): one row
-- per org_code with its district; an institution missing here falls under district 'unknown'.
SELECT org_code, org_name, district_code, org_type, systems
FROM {{ source('reference', 'institutions') }}
ORDER BY org_code
