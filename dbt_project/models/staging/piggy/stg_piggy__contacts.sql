with source as (
    {{ piggy_source_table('contacts') }}
)

select
    uuid as contact_uuid,
    id as contact_id,
    email,
    tier_uuid,
    tier_name,
    tier_position,
    credit_balance,
    prepaid_balance_cents,
    firstname,
    lastname,
    status as contact_status,
    birthdate,
    created_at,
    updated_at,
    loyalty_total_credits_received,
    loyalty_first_transaction_at,
    loyalty_last_transaction_at,
    custom_attributes_json,
    row_hash,
    _dlt_valid_from as valid_from,
    _dlt_valid_to as valid_to,
    _dlt_valid_to is null as is_current_version,
    {{ dbt.concat(['uuid', "'|'", 'cast(_dlt_valid_from as ' ~ dbt.type_string() ~ ')']) }} as contact_version_key,
    _dlt_load_id as load_id
from source
