with source as (
    {{ piggy_source_table('_dlt_loads') }}
)

select
    load_id,
    schema_name,
    status = 0 as is_completed,
    inserted_at as loaded_at
from source
