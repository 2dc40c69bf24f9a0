{#-
  How email reaches the marts and segments: the var `email_in_models`, which `piggy-elt transform`
  sets from `privacy.email_in_models` (env PRIVACY__EMAIL_IN_MODELS).
  - `plain` (default): the address as Piggy holds it.
  - `sha256`: only the SHA-256 (hex) of the trimmed, lower-cased address, in a column
    `email_sha256`, the form Meta and Google Customer Match take for audience uploads. The
    `email` column of dim_contacts and the marts is then null; segments carry `email_sha256`
    instead of `email`. Staging and intermediate models are views over the raw tables, which
    keep the plain address: they store nothing, but reading them shows it.
  A keyed hash is not offered: no marketing tool could match on it (see DECISIONS.md).
-#}
{% macro email_in_models() %}
  {% set mode = var('email_in_models', 'plain') %}
  {% if mode not in ('plain', 'sha256') %}
    {{ exceptions.raise_compiler_error(
        "var email_in_models must be 'plain' or 'sha256', got '" ~ mode ~ "': fix "
        ~ "privacy.email_in_models (PRIVACY__EMAIL_IN_MODELS)") }}
  {% endif %}
  {{ return(mode) }}
{% endmacro %}

{#- The email as a mart or dim keeps it: the address when plain, a typed null when sha256. -#}
{% macro model_email(email) -%}
  {%- if email_in_models() == 'sha256' -%}
    cast(null as {{ dbt.type_string() }})
  {%- else -%}
    {{ email }}
  {%- endif -%}
{%- endmacro %}

{#- The segment column naming a member to an email tool: `email`, or `email_sha256`. -#}
{% macro segment_email(email) -%}
  {%- if email_in_models() == 'sha256' -%}
    {{ email_sha256(email) }} as email_sha256
  {%- else -%}
    {{ email }}
  {%- endif -%}
{%- endmacro %}

{#- Lower-case hex SHA-256 of the trimmed, lower-cased address; null stays null. -#}
{% macro email_sha256(email) %}
  {{ return(adapter.dispatch('email_sha256', 'piggy_elt')(email)) }}
{% endmacro %}

{% macro default__email_sha256(email) -%}
  sha2(lower(trim({{ email }})), 256)
{%- endmacro %}

{% macro duckdb__email_sha256(email) -%}
  sha256(lower(trim({{ email }})))
{%- endmacro %}

{#- PostgreSQL 11+: sha256 takes and gives bytea. -#}
{% macro postgres__email_sha256(email) -%}
  encode(sha256(convert_to(lower(trim({{ email }})), 'UTF8')), 'hex')
{%- endmacro %}

{% macro redshift__email_sha256(email) -%}
  sha2(lower(trim({{ email }})), 256)
{%- endmacro %}

{% macro bigquery__email_sha256(email) -%}
  to_hex(sha256(lower(trim({{ email }}))))
{%- endmacro %}
