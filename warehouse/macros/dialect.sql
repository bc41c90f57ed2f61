{#- The SQL that DuckDB (the nightly warehouse) and Spark (dbt-spark) spell differently, one macro
    each, dispatched on the adapter: default__ is DuckDB's form (what every model said before
    Spark), spark__ is Spark SQL's. A model calls the macro; there is never a second copy of a
    model. Everything else the models use (GROUP BY ALL, QUALIFY, WITH RECURSIVE, FILTER,
    count_if, bool_or, VALUES in a CTE) both engines read alike. -#}

{#- The string type of a CAST: Spark has no VARCHAR without a length. -#}
{% macro text_type() %}{{ return(adapter.dispatch('text_type')()) }}{% endmacro %}
{% macro default__text_type() %}VARCHAR{% endmacro %}
{% macro spark__text_type() %}STRING{% endmacro %}

{#- An instant: Spark's TIMESTAMP is DuckDB's TIMESTAMPTZ (shown in the session's time zone). -#}
{% macro instant_type() %}{{ return(adapter.dispatch('instant_type')()) }}{% endmacro %}
{% macro default__instant_type() %}TIMESTAMPTZ{% endmacro %}
{% macro spark__instant_type() %}TIMESTAMP{% endmacro %}

{#- Calendar days from start to end (midnights crossed in the session's time zone). -#}
{% macro days_between(start, end) %}{{ return(adapter.dispatch('days_between')(start, end)) }}{% endmacro %}
{% macro default__days_between(start, end) %}date_diff('day', {{ start }}, {{ end }}){% endmacro %}
{% macro spark__days_between(start, end) %}datediff(CAST({{ end }} AS DATE), CAST({{ start }} AS DATE)){% endmacro %}

{#- Whole years from start to end (an age). Not Spark's timestampdiff(YEAR): born on 29 February,
    DuckDB is a year older on 28 February of a common year, and so are months_between's
    month ends. -#}
{% macro whole_years(start, end) %}{{ return(adapter.dispatch('whole_years')(start, end)) }}{% endmacro %}
{% macro default__whole_years(start, end) %}date_sub('year', {{ start }}, {{ end }}){% endmacro %}
{% macro spark__whole_years(start, end) %}CAST(months_between({{ end }}, {{ start }}) / 12 AS BIGINT){% endmacro %}

{#- Whether a regular expression matches anywhere in the text. -#}
{% macro regexp_found(text, pattern) %}{{ return(adapter.dispatch('regexp_found')(text, pattern)) }}{% endmacro %}
{% macro default__regexp_found(text, pattern) %}regexp_matches({{ text }}, {{ pattern }}){% endmacro %}
{% macro spark__regexp_found(text, pattern) %}regexp({{ text }}, {{ pattern }}){% endmacro %}

{#- 'YYYY-MM' of a date: the reporting month. -#}
{% macro year_month(day) %}{{ return(adapter.dispatch('year_month')(day)) }}{% endmacro %}
{% macro default__year_month(day) %}strftime({{ day }}, '%Y-%m'){% endmacro %}
{% macro spark__year_month(day) %}date_format({{ day }}, 'yyyy-MM'){% endmacro %}

{#- The aggregate: the value of the first row in order_by (a list of "expr" / "expr DESC").
    Spark has no ordered first(); min_by / max_by take one key, and several keys become a struct
    in which a descending key is negated: it must be numeric. -#}
{% macro first_by(value, order_by) %}{{ return(adapter.dispatch('first_by')(value, order_by)) }}{% endmacro %}
{% macro default__first_by(value, order_by) %}first({{ value }} ORDER BY {{ order_by | join(', ') }}){% endmacro %}
{% macro spark__first_by(value, order_by) -%}
    {%- set keys = [] -%}
    {%- for key in order_by -%}
        {%- set descending = key.upper().endswith(' DESC') -%}
        {%- set expr = key[:-5] if descending else key -%}
        {%- do keys.append((expr, descending)) -%}
    {%- endfor -%}
    {%- if keys | length == 1 -%}
        {{ 'max_by' if keys[0][1] else 'min_by' }}({{ value }}, {{ keys[0][0] }})
    {%- else -%}
        min_by({{ value }}, struct(
        {%- for expr, descending in keys -%}
            {{ '-(' ~ expr ~ ')' if descending else expr }}{{ ', ' if not loop.last }}
        {%- endfor -%}))
    {%- endif -%}
{%- endmacro %}

{#- The aggregate: the distinct values, sorted, joined by a separator (NULL when there are none).
    Spark 4.3's string_agg(DISTINCT ...) WITHIN GROUP fails inside this project's plans (a
    ClassCastException in ListAgg), so Spark sorts a set. -#}
{% macro sorted_distinct_join(value, separator) %}{{ return(adapter.dispatch('sorted_distinct_join')(value, separator)) }}{% endmacro %}
{% macro default__sorted_distinct_join(value, separator) %}string_agg(DISTINCT {{ value }}, {{ separator }} ORDER BY {{ value }}){% endmacro %}
{% macro spark__sorted_distinct_join(value, separator) %}nullif(array_join(array_sort(collect_set({{ value }})), {{ separator }}), ''){% endmacro %}

{#- The aggregate: the values (NULLs dropped) as a sorted list, and its n-th item from 1 (NULL
    past the end). -#}
{% macro sorted_list(value) %}{{ return(adapter.dispatch('sorted_list')(value)) }}{% endmacro %}
{% macro default__sorted_list(value) %}list_sort(list({{ value }})){% endmacro %}
{% macro spark__sorted_list(value) %}sort_array(collect_list({{ value }})){% endmacro %}

{% macro list_item(items, n) %}{{ return(adapter.dispatch('list_item')(items, n)) }}{% endmacro %}
{% macro default__list_item(items, n) %}{{ items }}[{{ n }}]{% endmacro %}
{% macro spark__list_item(items, n) %}try_element_at({{ items }}, {{ n }}){% endmacro %}
