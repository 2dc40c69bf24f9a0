with source as (
    {{ piggy_source_table('referrals') }}
)

select
    uuid as referral_uuid,
    referring_contact_uuid,
    referred_contact_uuid,
    status as referral_status,
    created_at,
    _dlt_load_id as load_id
from source
