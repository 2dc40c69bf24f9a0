with source as (
    {{ piggy_source_table('rewards') }}
)

select
    uuid as reward_uuid,
    title as reward_title,
    reward_type,
    is_active,
    required_credits,
    description,
    pre_redeemable as is_pre_redeemable,
    expiration_duration as expiration_duration_days,
    cost_price_cents,
    stock,
    _dlt_load_id as load_id
from source
