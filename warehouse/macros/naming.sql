{#- A model's schema is its folder's (archive, mpi …), not prefixed with the target's: the
    published tables are named schema.table as DESIGN.md lists them. On Spark, where a schema is
    a database and there is no second database to attach, the analytics models' schemas are
    prefixed instead (analytics_archive …). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ return(adapter.dispatch('generate_schema_name')(custom_schema_name, node)) }}
{%- endmacro %}

{% macro default__generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}

{% macro spark__generate_schema_name(custom_schema_name, node) -%}
    {%- set schema = custom_schema_name if custom_schema_name is not none else target.schema -%}
    {%- set analytics = node is not none and node.fqn | length > 1 and node.fqn[1] == 'analytics' -%}
    {{ 'analytics_' ~ schema if analytics else schema }}
{%- endmacro %}

{#- A model file is named <schema>__<table> (analytics models analytics__<schema>__<table>), so
    that model names are unique in the project; the table is the last part. -#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {{ custom_alias_name if custom_alias_name is not none else node.name.split('__')[-1] }}
{%- endmacro %}
