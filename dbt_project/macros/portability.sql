{#-
  The few engine differences dbt's cross-database macros do not cover. Timestamps stay
  time-zone aware through staging; dates are always taken in UTC so that every engine puts an
  event on the same day whatever the session time zone.
-#}
{% macro type_timestamp_tz() %}
  {{ return(adapter.dispatch('type_timestamp_tz', 'piggy_elt')()) }}
{% endmacro %}

{% macro default__type_timestamp_tz() %}timestamp with time zone{% endmacro %}
{% macro bigquery__type_timestamp_tz() %}timestamp{% endmacro %}
{% macro snowflake__type_timestamp_tz() %}timestamp_tz{% endmacro %}
{% macro redshift__type_timestamp_tz() %}timestamptz{% endmacro %}

{% macro utc_date(timestamp_tz) %}
  {{ return(adapter.dispatch('utc_date', 'piggy_elt')(timestamp_tz)) }}
{% endmacro %}

{% macro default__utc_date(timestamp_tz) %}cast(({{ timestamp_tz }}) at time zone 'UTC' as date){% endmacro %}
{% macro bigquery__utc_date(timestamp_tz) %}date({{ timestamp_tz }}, 'UTC'){% endmacro %}
{% macro snowflake__utc_date(timestamp_tz) %}cast(convert_timezone('UTC', {{ timestamp_tz }}) as date){% endmacro %}

{#- First day of the month of a date, as a date (date_trunc on a date returns a timestamp). -#}
{% macro month_start(date_expr) -%}
  cast({{ dbt.date_trunc('month', 'cast(' ~ date_expr ~ ' as ' ~ dbt.type_timestamp() ~ ')') }} as date)
{%- endmacro %}

{#- Monday of the ISO week of a date, as a date (BigQuery's plain `week` starts on Sunday). -#}
{% macro week_start(date_expr) %}
  {{ return(adapter.dispatch('week_start', 'piggy_elt')(date_expr)) }}
{% endmacro %}

{% macro default__week_start(date_expr) -%}
  cast({{ dbt.date_trunc('week', 'cast(' ~ date_expr ~ ' as ' ~ dbt.type_timestamp() ~ ')') }} as date)
{%- endmacro %}

{% macro bigquery__week_start(date_expr) -%}
  date_trunc(cast({{ date_expr }} as date), isoweek)
{%- endmacro %}

{#- dateadd returns a timestamp on Postgres and DuckDB: date arithmetic casts back to a date. -#}
{% macro add_days(date_expr, days) -%}
  cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro add_months(date_expr, months) -%}
  cast({{ dbt.dateadd('month', months, date_expr) }} as date)
{%- endmacro %}

{#- A 64-bit float: dbt's `type_float` is 32-bit on DuckDB, too coarse for rates and averages. -#}
{% macro type_double() %}
  {{ return(adapter.dispatch('type_double', 'piggy_elt')()) }}
{% endmacro %}

{% macro default__type_double() %}{{ return(dbt.type_float()) }}{% endmacro %}
{% macro duckdb__type_double() %}{{ return('double') }}{% endmacro %}

{#-
  A raw column name as the engine must write it. BigQuery reserves some names dlt lands as they
  come from the API (`hash` on giftcards), so it gets them in backticks; other engines take them
  bare, which keeps Snowflake's case-insensitive matching of dlt's identifiers.
-#}
{% macro raw_column(name) %}
  {{ return(adapter.dispatch('raw_column', 'piggy_elt')(name)) }}
{% endmacro %}

{% macro default__raw_column(name) %}{{ return(name) }}{% endmacro %}
{% macro bigquery__raw_column(name) %}{{ return('`' ~ name ~ '`') }}{% endmacro %}
