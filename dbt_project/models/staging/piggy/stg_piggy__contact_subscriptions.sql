with source as (
    {{ piggy_source_table('contact_subscriptions') }}
)

select
    {{ dbt.concat(['contact_uuid', "'|'", 'subscription_type_uuid']) }} as contact_subscription_key,
    contact_uuid,
    subscription_type_uuid,
    subscription_type_name,
    strategy as subscription_strategy,
    is_subscribed,
    status as subscription_status,
    _dlt_load_id as load_id
from source
