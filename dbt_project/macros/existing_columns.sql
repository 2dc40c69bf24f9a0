{#-
  The lower-cased column names a warehouse table has right now, or an empty list when the table
  does not exist yet (dlt creates tables and columns only once data arrives). `dbt compile` may
  have no warehouse to ask (the cloud adapters compile offline), so it takes `assumed_on_compile`
  instead: what the models expect to be there.
-#}
{% macro existing_columns(relation, assumed_on_compile) %}
  {%- if flags.WHICH == 'compile' -%}
    {{ return(assumed_on_compile | list) }}
  {%- endif -%}
  {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
  {%- if found is none -%}
    {{ return([]) }}
  {%- endif -%}
  {%- set present = [] -%}
  {%- for column in adapter.get_columns_in_relation(found) -%}
    {%- do present.append(column.name | lower) -%}
  {%- endfor -%}
  {{ return(present) }}
{% endmacro %}
