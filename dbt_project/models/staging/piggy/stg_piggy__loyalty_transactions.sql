with source as (
    {{ piggy_source_table('loyalty_transactions') }}
),

currency as (
    select minor_unit_exponent
    from {{ ref('iso_4217_currencies') }}
    where currency_code = '{{ account_currency() }}'
)

select
    source.uuid as loyalty_transaction_uuid,
    source.type as transaction_type,
    source.credits,
    cast(round(source.unit_value * power(10, currency.minor_unit_exponent)) as {{ dbt.type_bigint() }})
        as purchase_amount_cents,
    source.unit_name,
    source.channel,
    source.contact_uuid,
    source.contact_email,
    source.shop_uuid,
    source.shop_name,
    source.contact_identifier_value,
    source.reward_uuid,
    source.reward_title,
    source.title,
    source.expires_at as reward_expires_at,
    source.has_been_collected,
    source.digital_reward_code,
    source.reversed_uuid,
    source.created_at,
    source._dlt_load_id as load_id
from source
left join currency on 1 = 1
