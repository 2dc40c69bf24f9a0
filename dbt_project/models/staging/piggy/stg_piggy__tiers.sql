with source as (
    {{ piggy_source_table('tiers') }}
)

select
    uuid as tier_uuid,
    name as tier_name,
    description,
    position as tier_position,
    _dlt_load_id as load_id
from source
