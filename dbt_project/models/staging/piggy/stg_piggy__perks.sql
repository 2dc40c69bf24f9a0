with source as (
    {{ piggy_source_table('perks') }}
)

select
    uuid as perk_uuid,
    name as perk_name,
    label as perk_label,
    data_type,
    _dlt_load_id as load_id
from source
