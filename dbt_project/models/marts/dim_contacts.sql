with contacts as (
    select * from {{ ref('int_contacts_current') }}
),

values_ as (
    select * from {{ ref('int_contact_values') }}
),

ltv as (
    select contact_uuid, net_value_cents, projected_12m_value_cents, ltv_decile, is_never_active
    from {{ ref('int_customer_ltv') }}
),

consent as (
    select * from {{ ref('int_marketing_consent') }}
)

select
    contacts.contact_uuid,
    contacts.contact_id,
    {{ model_email('contacts.email') }} as email,
    {{ email_sha256('contacts.email') }} as email_sha256,
    contacts.firstname,
    contacts.lastname,
    contacts.contact_status,
    contacts.credit_balance,
    contacts.prepaid_balance_cents,
    contacts.tier_uuid,
    contacts.tier_name,
    contacts.tier_position,
    contacts.created_at,
    values_.first_activity_date,
    values_.last_activity_date,
    values_.last_redemption_date,
    values_.cohort_month,
    values_.signup_month,
    values_.lifetime_points_earned,
    values_.lifetime_points_spent,
    values_.lifetime_redemptions,
    values_.ledger_points_balance,
    values_.estimated_breakage_points,
    values_.breakage_reversed_points,
    values_.outstanding_points,
    values_.purchase_value_cents as lifetime_purchase_value_cents,
    values_.cashback_cents as lifetime_cashback_cents,
    values_.reward_cost_cents as lifetime_reward_cost_cents,
    ltv.net_value_cents,
    ltv.projected_12m_value_cents,
    ltv.ltv_decile,
    ltv.is_never_active,
    coalesce(consent.has_marketing_consent, false) as has_marketing_consent,
    contacts.is_deleted,
    contacts.deleted_at,
    contacts.is_known_from_activity_only
from contacts
left join values_ on values_.contact_uuid = contacts.contact_uuid
left join ltv on ltv.contact_uuid = contacts.contact_uuid
left join consent on consent.contact_uuid = contacts.contact_uuid
