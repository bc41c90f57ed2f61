-- The records an incremental build rebuilds the touched residents' timelines from: every record
-- with a version (any, not only the current one) whose patient is a mention of a touched
-- resident — its person mention, a delivery's newborn, or, for a hospital record, its
-- encounter's patient. source('std_touched', ...) gives their current versions (the lake
-- sources read this table's keys: pipelines.publish.sources), and archive.timeline keeps those
-- still belonging to a touched resident; any other record's current version cannot. A full
-- build reads every record from source('std', ...) and leaves this table empty.
{%- set via_encounter = encounter_detail_tables() %}
-- depends_on: {{ ref('mpi__record_link') }}, {{ ref('staging__touched_resident') }}
{%- if var('build_mode', 'full') == 'incremental' %}
WITH touched_mention AS (
    SELECT mention_id
    FROM {{ ref('mpi__record_link') }}
    WHERE resident_id IN (SELECT resident_id FROM {{ ref('staging__touched_resident') }})
),
direct AS (
{%- for table in event_tables() if table not in via_encounter %}
    {% if not loop.first %}UNION ALL {% endif -%}
    SELECT record_key FROM {{ source('std_history', table) }}
    WHERE person_mention_id IN (SELECT mention_id FROM touched_mention)
    {%- if table == 'delivery' %}
        OR newborn_mention_id IN (SELECT mention_id FROM touched_mention)
    {%- endif %}
{%- endfor %}
),
via_encounter AS (
{%- for table in via_encounter %}
    {% if not loop.first %}UNION ALL {% endif -%}
    SELECT record_key FROM {{ source('std_history', table) }}
    WHERE encounter_key IN (SELECT record_key FROM direct)
{%- endfor %}
)
SELECT record_key FROM direct
UNION
SELECT record_key FROM via_encounter
{%- else %}
SELECT CAST(NULL AS {{ text_type() }}) AS record_key
WHERE false
{%- endif %}
