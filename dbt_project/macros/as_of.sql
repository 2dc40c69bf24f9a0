{#-
  The day every "now"-relative figure (expiring soon, lapsed, tenure) is computed for. A pinned
  `as_of_date` var makes a build reproducible (unit tests and engine comparisons pin it); without
  it, today in UTC.
-#}
{% macro as_of_date() -%}
  {%- if var('as_of_date') -%}
    cast('{{ var("as_of_date") }}' as date)
  {%- else -%}
    {{ piggy_elt.utc_date(dbt.current_timestamp()) }}
  {%- endif -%}
{%- endmacro %}

{#- The account currency is not in the API: a var, else the PIGGY_ACCOUNT_CURRENCY env var, else EUR. -#}
{% macro account_currency() -%}
  {{ var('account_currency', env_var('PIGGY_ACCOUNT_CURRENCY', 'EUR')) }}
{%- endmacro %}
