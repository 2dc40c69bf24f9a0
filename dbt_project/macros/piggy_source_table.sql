{#-
  Staging reads raw tables through this macro rather than `source()` alone, because dlt creates a
  table only once a row arrives and a column only once a value is non-null: a young account may
  lack `quarantined_records` or `reversed_uuid`. Columns come from `_piggy__sources.yml` (one
  declaration), each cast to its portable type; a missing column reads as a typed null and a
  missing table as an empty, fully typed relation, so every model downstream keeps its shape.
  `dbt compile` skips the look-up (see `existing_columns`) and assumes every column exists.
-#}
{% macro piggy_source_table(table_name) %}
  {%- set relation = source('piggy', table_name) -%}
  {%- set declared = piggy_declared_columns(table_name) -%}
  {%- if not execute -%}
    select 1 as placeholder from {{ relation }}
  {%- else -%}
    {%- set present = existing_columns(relation, declared | map('first')) %}
    select
    {%- for name, data_type in declared %}
      {% if name in present -%}
        cast({{ raw_column(name) }} as {{ piggy_type(data_type) }})
      {%- else -%}
        cast(null as {{ piggy_type(data_type) }})
      {%- endif %} as {{ raw_column(name) }}{{ "," if not loop.last }}
    {%- endfor %}
    {% if present -%}
    from {{ relation }}
    {%- else -%}
    from (select 1 as one) as missing_table where 1 = 0
    {%- endif -%}
  {%- endif -%}
{% endmacro %}

{% macro piggy_declared_columns(table_name) %}
  {%- set columns = [] -%}
  {%- if execute -%}
    {%- set node = graph.sources.values()
          | selectattr('source_name', 'equalto', 'piggy')
          | selectattr('name', 'equalto', table_name) | first -%}
    {%- for column in node.columns.values() -%}
      {%- do columns.append((column.name, column.data_type)) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(columns) }}
{% endmacro %}

{% macro piggy_type(portable_name) %}
  {%- set types = {
        'text': dbt.type_string(),
        'bigint': dbt.type_bigint(),
        'double': piggy_elt.type_double(),
        'boolean': dbt.type_boolean(),
        'date': 'date',
        'timestamptz': piggy_elt.type_timestamp_tz(),
      } -%}
  {{ return(types[portable_name]) }}
{% endmacro %}
