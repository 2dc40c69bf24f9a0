with source as (
    {{ piggy_source_table('visits') }}
)

select
    uuid as visit_uuid,
    contact_uuid,
    external_id,
    source as visit_source,
    starts_at,
    ends_at,
    created_at,
    _dlt_load_id as load_id
from source
