with source as (
    {{ piggy_source_table('loyalty_transactions') }}
)

select
    uuid as loyalty_transaction_uuid,
    type as transaction_type,
    credits,
    unit_value as purchase_amount,
    unit_name,
    channel,
    contact_uuid,
    contact_email,
    shop_uuid,
    shop_name,
    contact_identifier_value,
    reward_uuid,
    reward_title,
    title,
    expires_at as reward_expires_at,
    has_been_collected,
    digital_reward_code,
    reversed_uuid,
    created_at,
    _dlt_load_id as load_id
from source
