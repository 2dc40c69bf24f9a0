{#-
  Schema names a BI user can read, exact on every engine: what to query (facts, dims, marts,
  segments, the payout review) in the profile's schema (`piggy_analytics`), the building blocks
  apart: staging views in `piggy_staging`, intermediate views in `piggy_intermediate`
  (dbt_project.yml sets `+schema: staging` / `intermediate` on those folders). dbt's default
  would prefix them (`piggy_analytics_staging`); here the name is `piggy_` + the custom name, or
  the var `<custom>_schema` when set.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{ target.schema | trim }}
  {%- else -%}
    {{ var(custom_schema_name | trim ~ '_schema', 'piggy_' ~ custom_schema_name | trim) }}
  {%- endif -%}
{%- endmacro %}
