with source as (
    {{ piggy_source_table('loyalty_program') }}
)

select
    id as loyalty_program_id,
    name as loyalty_program_name,
    max_amount,
    custom_credit_name,
    unit_name,
    _dlt_load_id as load_id
from source
