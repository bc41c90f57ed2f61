-- id_no_checksum: a filled 居民身份证 number (id type 01, or no type given) is valid per
-- GB 11643: 17 digits, a real birth date in positions 7-14 and the ISO 7064 MOD 11-2 check
-- character. Legacy 15-digit and damaged numbers fail here; standardise repairs what it can.
SELECT org_code, record_key, checked,
       NOT coalesce(
           regexp_full_match(id_no, '[0-9]{17}[0-9X]')
           AND try_strptime(substr(id_no, 7, 8), '%Y%m%d') IS NOT NULL
           AND substr('10X98765432', 1 + CAST(list_sum(list_transform(range(17), lambda i:
                   TRY_CAST(substr(id_no, i + 1, 1) AS INTEGER)
                   * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1])) % 11 AS INTEGER), 1)
               = substr(id_no, 18, 1),
           false) AS failed
FROM (
    SELECT {{ org }} AS org_code, {{ key }} AS record_key, {{ id_no }} AS id_no,
           nullif(trim({{ id_no }}), '') IS NOT NULL
           {%- if id_type %} AND ({{ id_type }} IS NULL OR {{ id_type }} = '01'){% endif %}
           AS checked
    FROM {{ table }}
)
