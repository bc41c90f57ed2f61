-- The index of each resident's lifetime archive by WS/T 483-2016 shared document (健康档案共享文档
-- 规范): one row per resident and document type it holds, with how many records and items feed
-- it, from when to when and from how many institutions. HSDA00.01 个人基本健康信息登记 is the
-- golden record (one per resident, since the archive was created); the others come from
-- archive.timeline. Events that feed no document yet (the mother's side of a delivery) are
-- listed under 'other'. The catalogue below names every document type the sources feed.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}DELETE FROM {{ this }} WHERE resident_id IN (SELECT resident_id FROM {{ ref('staging__touched_resident') }}){% endif %}",
) }}
-- incremental: only the residents touched tonight are rebuilt (their old rows deleted first)
-- depends_on: {{ ref('staging__touched_resident') }}
WITH catalogue(document_code, document_name, sort_order) AS (
    VALUES
        ('HSDA00.01', '个人基本健康信息登记', 1),
        ('HSDB01.01', '出生医学证明', 2),
        ('HSDB01.02', '新生儿家庭访视', 3),
        ('HSDB01.03', '儿童健康体检', 4),
        ('HSDB02.01', '首次产前随访服务', 5),
        ('HSDB02.02', '产前随访服务', 6),
        ('HSDB02.03', '产后访视', 7),
        ('HSDB03.01', '预防接种报告', 8),
        ('HSDC00.01', '成人健康体检', 9),
        ('HSDC00.02', '门诊摘要', 10),
        ('HSDC00.03', '住院摘要', 11),
        ('other', '其他服务记录（尚无对应共享文档）', 99)
),
feed AS (
    SELECT
        resident_id, 'HSDA00.01' AS document_code, 1 AS record_count, 1 AS item_count,
        CAST(first_load_date AS {{ instant_type() }}) AS first_time,
        CAST(first_load_date AS {{ instant_type() }}) AS last_time, 0 AS org_count
    FROM {{ ref('mpi__resident') }}
    {%- if is_incremental() %}
    WHERE resident_id IN (SELECT resident_id FROM {{ ref('staging__touched_resident') }})
    {%- endif %}
    UNION ALL
    SELECT
        resident_id, coalesce(document_code, 'other'), count(*) FILTER (WHERE parent_key IS NULL),
        count(*), min(event_time), max(event_time), count(DISTINCT org_code)
    FROM {{ ref('archive__timeline') }}
    {%- if is_incremental() %}
    WHERE resident_id IN (SELECT resident_id FROM {{ ref('staging__touched_resident') }})
    {%- endif %}
    GROUP BY ALL
)
SELECT
    feed.resident_id, feed.document_code, catalogue.document_name, catalogue.sort_order,
    feed.record_count, feed.item_count, feed.first_time, feed.last_time, feed.org_count
FROM feed
JOIN catalogue USING (document_code)
ORDER BY feed.resident_id, catalogue.sort_order
