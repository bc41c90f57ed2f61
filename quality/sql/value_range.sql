-- value_range: a filled measurement lies within [low, high]; either bound may be absent.
SELECT org_code,
       count(value) AS checked,
       count(*) FILTER (WHERE false
           {%- if low is not none %} OR value < {{ low }}{% endif %}
           {%- if high is not none %} OR value > {{ high }}{% endif %}) AS failed
FROM (
    SELECT {{ org }} AS org_code, {{ value }} AS value
    FROM {{ table }}
)
GROUP BY org_code
