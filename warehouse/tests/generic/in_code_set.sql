{#- Every value of the column is a code of `code_set` in schemas/code_sets.yaml (the publish step
    hands the code sets to dbt as the source contracts.code_set, so nothing is copied). -#}
{% test in_code_set(model, column_name, code_set) %}
SELECT {{ column_name }} AS value, count(*) AS rows_with_it
FROM {{ model }}
WHERE {{ column_name }} IS NOT NULL
    AND {{ column_name }} NOT IN (
        SELECT code FROM {{ source('contracts', 'code_set') }} WHERE code_set = '{{ code_set }}'
    )
GROUP BY ALL
{% endtest %}
