-- Every indicator of DESIGN.md per reported month for the city, each district and each
-- institution, in one long table: value is numerator / denominator for a rate and the count
-- itself for a count. Definitions: warehouse/metrics/README.md.
WITH catalogue(indicator_code, indicator_name, kind) AS (
    VALUES
        ('archive_count', '建档数', 'count'),
        ('archive_coverage_rate', '电子健康档案建档率', 'rate'),
        ('archive_active_rate', '档案动态使用率', 'rate'),
        ('record_count', '数据量', 'count'),
        ('upload_timely_rate', '上传及时率', 'rate'),
        ('completeness_rate', '数据完整率', 'rate'),
        ('conformance_rate', '数据规范率', 'rate'),
        ('valid_id_rate', '身份证号有效率', 'rate'),
        ('linkage_rate', '患者主索引关联率', 'rate'),
        ('cross_org_rate', '跨机构档案率', 'rate'),
        ('duplicate_archive_rate', '重复建档率', 'rate')
),
figure AS (
    SELECT period, scope_type, scope_code, indicator_code, '' AS breakdown, numerator,
        denominator
    FROM {{ ref('intermediate__archive_indicators') }}
    UNION ALL
    SELECT period, scope_type, scope_code, indicator_code, breakdown, numerator, denominator
    FROM {{ ref('intermediate__record_indicators') }}
)
SELECT
    figure.period, figure.scope_type, figure.scope_code, figure.indicator_code,
    catalogue.indicator_name, figure.breakdown,
    CAST(figure.numerator AS BIGINT) AS numerator,
    CAST(figure.denominator AS BIGINT) AS denominator,
    CASE
        WHEN catalogue.kind = 'count' THEN CAST(figure.numerator AS DOUBLE)
        WHEN figure.denominator > 0 THEN figure.numerator / figure.denominator
    END AS value
FROM figure
JOIN catalogue USING (indicator_code)
ORDER BY figure.period, figure.indicator_code, figure.scope_type, figure.scope_code,
    figure.breakdown
