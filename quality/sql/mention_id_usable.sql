-- mention_id_usable (lake): a person mention of the night in one of the roles that must carry
-- an ID number has a valid 居民身份证 number after standardisation (full-width digits, a
-- lowercase x and legacy 15-digit numbers are repaired there; empty, mistyped or swapped
-- digits are not).
SELECT source, dataset, org_code, mention_id AS record_key,
       role IN ({{ roles }}) AS checked,
       NOT coalesce(id_no_valid, false) AS failed
FROM {{ night }}
