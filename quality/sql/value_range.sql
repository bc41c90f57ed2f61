-- value_range: a filled measurement lies within [low, high]; either bound may be absent. With
-- code_field and code, only rows of that code are checked (one lab item of lab_result.value).
SELECT {{ org }} AS org_code, {{ key }} AS record_key,
       {{ value }} IS NOT NULL
       {%- if code_field %} AND {{ code_field }} = {{ code }}{% endif %} AS checked,
       false
       {%- if low is not none %} OR {{ value }} < {{ low }}{% endif %}
       {%- if high is not none %} OR {{ value }} > {{ high }}{% endif %} AS failed
FROM {{ table }}
