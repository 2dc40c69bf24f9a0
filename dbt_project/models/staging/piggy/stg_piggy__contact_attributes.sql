with source as (
    {{ piggy_source_table('contact_attributes') }}
)

select
    name as attribute_name,
    label as attribute_label,
    type as attribute_type,
    field_type,
    description,
    _dlt_load_id as load_id
from source
