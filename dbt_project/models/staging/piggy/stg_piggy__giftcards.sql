with source as (
    {{ piggy_source_table('giftcards') }}
)

select
    uuid as giftcard_uuid,
    type as giftcard_type,
    {{ raw_column('hash') }} as giftcard_hash,
    expiration_date as expires_at,
    active as is_active,
    amount_in_cents as amount_cents,
    giftcard_program_uuid,
    _dlt_load_id as load_id
from source
