{#- The standardised event tables that feed archive.timeline and the upload-timeliness figures
    (schemas/std/<table>.yaml): every table of the std source except the person mentions. -#}
{% macro event_tables() -%}
    {{ return([
        'encounter', 'diagnosis', 'prescription', 'lab_result', 'exam_report', 'immunization',
        'maternal_registration', 'prenatal_visit', 'delivery', 'postpartum_visit',
        'child_checkup', 'checkup',
    ]) }}
{%- endmacro %}

{#- The event tables whose records reach their patient through their encounter (encounter_key):
    a hospital encounter's diagnoses, prescriptions, lab results and exam reports. -#}
{% macro encounter_detail_tables() -%}
    {{ return(['diagnosis', 'prescription', 'lab_result', 'exam_report']) }}
{%- endmacro %}
