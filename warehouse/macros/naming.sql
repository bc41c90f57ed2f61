{#- A model's schema is its folder's (archive, mpi …), not prefixed with the target's: the
    published tables are named schema.table as DESIGN.md lists them. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}

{#- A model file is named <schema>__<table> (analytics models analytics__<schema>__<table>), so
    that model names are unique in the project; the table is the last part. -#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {{ custom_alias_name if custom_alias_name is not none else node.name.split('__')[-1] }}
{%- endmacro %}
