{#-
  Cashback requests, typed. The table exists only once requests were loaded (or when the vars
  point at a table of the user's), so a missing table reads as an empty, fully typed relation and
  `piggy-elt transform` works on a fresh warehouse. Optional flags read as false when absent.
-#}
{{ config(materialized='view') }}

{%- set relation = source('piggy_actions', 'cashback_requests') -%}
{%- set present = existing_columns(relation, ['request_id', 'is_returned', 'is_fraud_flagged'])
    if execute else [] -%}

{%- set flag_sql = {} -%}
{%- for name in ['is_returned', 'is_fraud_flagged'] -%}
  {%- if name in present -%}
    {%- do flag_sql.update({name: 'coalesce(cast(' ~ name ~ ' as ' ~ dbt.type_boolean() ~ '), false)'}) -%}
  {%- else -%}
    {%- do flag_sql.update({name: 'false'}) -%}
  {%- endif -%}
{%- endfor %}

{% if present %}
select
    cast(request_id as {{ dbt.type_string() }}) as request_id,
    cast(contact_uuid as {{ dbt.type_string() }}) as contact_uuid,
    cast(amount_cents as {{ dbt.type_bigint() }}) as amount_cents,
    upper(cast(currency as {{ dbt.type_string() }})) as currency,
    cast(order_reference as {{ dbt.type_string() }}) as order_reference,
    cast(requested_at as {{ piggy_elt.type_timestamp_tz() }}) as requested_at,
    {{ flag_sql['is_returned'] }} as is_returned,
    {{ flag_sql['is_fraud_flagged'] }} as is_fraud_flagged
from {{ relation }}
{% else %}
select
    cast(null as {{ dbt.type_string() }}) as request_id,
    cast(null as {{ dbt.type_string() }}) as contact_uuid,
    cast(null as {{ dbt.type_bigint() }}) as amount_cents,
    cast(null as {{ dbt.type_string() }}) as currency,
    cast(null as {{ dbt.type_string() }}) as order_reference,
    cast(null as {{ piggy_elt.type_timestamp_tz() }}) as requested_at,
    false as is_returned,
    false as is_fraud_flagged
from (select 1 as one) as missing_table
where 1 = 0
{% endif %}
