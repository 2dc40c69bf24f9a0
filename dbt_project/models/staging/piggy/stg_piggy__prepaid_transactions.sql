with source as (
    {{ piggy_source_table('prepaid_transactions') }}
)

select
    uuid as prepaid_transaction_uuid,
    amount_in_cents as amount_cents,
    balance_after_cents,
    contact_uuid,
    contact_email,
    shop_uuid,
    created_at,
    _dlt_load_id as load_id
from source
