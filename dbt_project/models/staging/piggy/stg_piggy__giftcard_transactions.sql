with source as (
    {{ piggy_source_table('giftcard_transactions') }}
)

select
    transaction_key as giftcard_transaction_key,
    id as giftcard_transaction_id,
    uuid as giftcard_transaction_uuid,
    amount_in_cents as amount_cents,
    type as transaction_type,
    settled as is_settled,
    giftcard_uuid,
    giftcard_id,
    shop_uuid,
    created_at,
    _dlt_load_id as load_id
from source
