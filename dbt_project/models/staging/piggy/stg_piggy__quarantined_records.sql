with source as (
    {{ piggy_source_table('quarantined_records') }}
)

select
    resource as resource_name,
    reason as quarantine_reason,
    record_key,
    raw_payload,
    quarantined_at,
    _dlt_load_id as load_id
from source
