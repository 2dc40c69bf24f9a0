{#-
  Payments made, from the payout ledger: one row per paid request. The ledger exists only once a
  payout ran, so a missing table reads as an empty, typed relation. Ephemeral: it is inlined into
  `mart_payout_review` and so re-checked for the table's existence every time the review builds.
-#}
{{ config(materialized='ephemeral') }}

{%- set relation = source('piggy_actions_ledger', 'payout_ledger') -%}
{%- set present = existing_columns(relation, ['request_id']) if execute else [] -%}

{% if present %}
select
    cast(request_id as {{ dbt.type_string() }}) as request_id,
    cast(contact_uuid as {{ dbt.type_string() }}) as contact_uuid,
    cast(amount_cents as {{ dbt.type_bigint() }}) as amount_cents,
    cast(settled_at as {{ piggy_elt.type_timestamp_tz() }}) as paid_at
from {{ relation }}
where status = 'paid'
{% else %}
select
    cast(null as {{ dbt.type_string() }}) as request_id,
    cast(null as {{ dbt.type_string() }}) as contact_uuid,
    cast(null as {{ dbt.type_bigint() }}) as amount_cents,
    cast(null as {{ piggy_elt.type_timestamp_tz() }}) as paid_at
from (select 1 as one) as missing_table
where 1 = 0
{% endif %}
