with source as (
    {{ piggy_source_table('shops') }}
)

select
    uuid as shop_uuid,
    id as shop_id,
    name as shop_name,
    type as shop_type,
    reference as shop_reference,
    _dlt_load_id as load_id
from source
