{#- The grain of a model: no two rows share the values of `columns` (NULLs compare equal, as in
    GROUP BY). A dbt_utils-free unique_combination_of_columns. -#}
{% test unique_key(model, columns) %}
SELECT {{ columns | join(', ') }}, count(*) AS rows_with_this_key
FROM {{ model }}
GROUP BY ALL
HAVING count(*) > 1
{% endtest %}
