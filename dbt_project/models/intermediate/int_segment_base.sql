{#-
  Everyone a marketer may contact today: current (not deleted) contacts with marketing consent,
  with the fields every segment exports and the facts the segment rules test. Built from the
  intermediate models the dims use too, so segments never depend on a dim or a mart.
-#}
with contacts as (
    select
        current_contacts.*,
        consent.has_marketing_consent,
        contact_values.purchase_value_cents as lifetime_purchase_value_cents,
        contact_values.lifetime_redemptions,
        contact_values.last_redemption_date,
        contact_values.last_activity_date,
        ltv.ltv_decile,
        ltv.net_value_cents
    from {{ ref('int_contacts_current') }} as current_contacts
    inner join {{ ref('int_marketing_consent') }} as consent
        on consent.contact_uuid = current_contacts.contact_uuid
        and consent.has_marketing_consent
    left join {{ ref('int_contact_values') }} as contact_values
        on contact_values.contact_uuid = current_contacts.contact_uuid
    left join {{ ref('int_customer_ltv') }} as ltv
        on ltv.contact_uuid = current_contacts.contact_uuid
    where not current_contacts.is_deleted
),

expiring as (
    select
        contact_uuid,
        sum(case when expiry_date <= {{ add_days(as_of_date(), 14) }} then expiring_credits else 0 end)
            as points_expiring_14d,
        sum(case when expiry_date <= {{ add_days(as_of_date(), 30) }} then expiring_credits else 0 end)
            as points_expiring_30d,
        min(expiry_date) as next_expiry_date
    from {{ ref('int_points_expiry_lots') }}
    where not is_expired and expiring_credits > 0
    group by contact_uuid
),

referrals as (
    select referring_contact_uuid as contact_uuid, count(*) as completed_referrals
    from {{ ref('stg_piggy__referrals') }}
    where referral_status = 'COMPLETED'
    group by referring_contact_uuid
),

recent_visits as (
    select contact_uuid, count(*) as visits_90d
    from {{ ref('int_contact_activity') }}
    where activity_kind = 'visit'
        and activity_date > {{ add_days(as_of_date(), -90) }}
        and activity_date <= {{ as_of_date() }}
    group by contact_uuid
),

top_tier as (
    select max(tier_position) as top_tier_position
    from {{ ref('stg_piggy__tiers') }}
)

select
    contacts.contact_uuid,
    contacts.email,
    contacts.firstname,
    contacts.lastname,
    contacts.credit_balance,
    contacts.tier_name,
    coalesce(expiring.points_expiring_30d, 0) as points_expiring_30d,
    expiring.next_expiry_date,
    contacts.has_marketing_consent,
    contacts.is_deleted,
    coalesce(expiring.points_expiring_14d, 0) as points_expiring_14d,
    coalesce(contacts.tier_position = top_tier.top_tier_position, false) as is_top_tier,
    contacts.lifetime_purchase_value_cents,
    coalesce(referrals.completed_referrals, 0) as completed_referrals,
    coalesce(recent_visits.visits_90d, 0) as visits_90d,
    contacts.lifetime_redemptions,
    contacts.last_redemption_date,
    contacts.last_activity_date,
    contacts.ltv_decile,
    contacts.net_value_cents
from contacts
cross join top_tier
left join expiring on expiring.contact_uuid = contacts.contact_uuid
left join referrals on referrals.contact_uuid = contacts.contact_uuid
left join recent_visits on recent_visits.contact_uuid = contacts.contact_uuid
