{#- Spark only: every schema (a Spark database) is created at <spark_location>/<schema>, so the
    build's tables are Parquet folders under one root the publish step names (var spark_location)
    and moves into place; without the var, Spark's warehouse directory decides. -#}
{% macro spark__create_schema(relation) -%}
    {%- set root = var('spark_location', none) -%}
    {%- call statement('create_schema') -%}
        create schema if not exists {{ relation }}
        {%- if root %} location '{{ root }}/{{ relation.schema }}'{% endif %}
    {%- endcall -%}
{%- endmacro %}
