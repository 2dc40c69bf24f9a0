with source as (
    {{ piggy_source_table('vouchers') }}
)

select
    uuid as voucher_uuid,
    code as voucher_code,
    status as voucher_status,
    name as voucher_name,
    description,
    activation_date as activates_at,
    expiration_date as expires_at,
    redeemed_at,
    is_redeemed,
    contact_uuid,
    promotion_uuid,
    promotion_name,
    attributes_json,
    _dlt_load_id as load_id
from source
