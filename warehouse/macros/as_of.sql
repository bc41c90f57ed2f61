{#- The night published, as a SQL date literal: every "as of D" in the models. The publish
    step passes it as the var as_of_date (YYYY-MM-DD); anything else is refused. -#}
{% macro as_of() -%}
    {%- set day = var('as_of_date') | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', day) -%}
        {{ exceptions.raise_compiler_error('as_of_date must be YYYY-MM-DD, got ' ~ day) }}
    {%- endif -%}
    DATE '{{ day }}'
{%- endmacro %}
