with source as (
    {{ piggy_source_table('giftcard_programs') }}
)

select
    uuid as giftcard_program_uuid,
    name as giftcard_program_name,
    active as is_active,
    _dlt_load_id as load_id
from source
