-- id_no_checksum: a filled 居民身份证 number (id type 01, or no type given) is valid per
-- GB 11643: 17 digits, a real birth date in positions 7-14 and the ISO 7064 MOD 11-2 check
-- character (the kernel's macro, kernel.idno). Legacy 15-digit and damaged numbers fail here;
-- standardise repairs what it can.
SELECT org_code, record_key, checked, NOT gb11643_valid(id_no) AS failed
FROM (
    SELECT {{ org }} AS org_code, {{ key }} AS record_key, {{ id_no }} AS id_no,
           nullif(trim({{ id_no }}), '') IS NOT NULL
           {%- if id_type %} AND ({{ id_type }} IS NULL OR {{ id_type }} = '01'){% endif %}
           AS checked
    FROM {{ table }}
)
