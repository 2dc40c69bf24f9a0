with source as (
    {{ piggy_source_table('subscription_types') }}
)

select
    uuid as subscription_type_uuid,
    name as subscription_type_name,
    description,
    active as is_active,
    strategy as subscription_strategy,
    _dlt_load_id as load_id
from source
