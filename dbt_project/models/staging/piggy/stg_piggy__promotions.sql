with source as (
    {{ piggy_source_table('promotions') }}
)

select
    uuid as promotion_uuid,
    name as promotion_name,
    description,
    voucher_limit,
    limit_per_contact,
    expiration_duration as expiration_duration_days,
    attributes_json,
    _dlt_load_id as load_id
from source
