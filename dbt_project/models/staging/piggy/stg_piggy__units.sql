with source as (
    {{ piggy_source_table('units') }}
)

select
    name as unit_name,
    label as unit_label,
    prefix as unit_prefix,
    is_default,
    _dlt_load_id as load_id
from source
