{#-
  Per contact ever seen: what it brought and what it cost, and when it was active. The inputs of
  LTV, cohorts and the segments, gathered once. Activity dates count member-initiated activity
  only; `cohort_month` is the month of the first of it, `signup_month` the month the contact was
  created (for a contact known from activity only, the month anything first happened to it).
-#}
with contacts as (
    select * from {{ ref('int_contacts_current') }}
),

points as (
    select
        contact_uuid,
        sum(case when movement_type = 'earn' and not is_reversed then coalesce(purchase_amount_cents, 0) else 0 end)
            as purchase_value_cents,
        sum(case when credits > 0 then credits else 0 end) as lifetime_points_earned,
        sum(case when credits < 0 then -credits else 0 end) as lifetime_points_spent,
        sum(case when movement_date <= {{ as_of_date() }} then credits else 0 end) as ledger_points_balance
    from {{ ref('int_points_movements') }}
    group by contact_uuid
),

breakage as (
    select
        contact_uuid,
        sum(case when event_kind = 'expiry' and is_expired then expiring_credits else 0 end)
            - sum(breakage_reversed_credits) as estimated_breakage_points,
        sum(breakage_reversed_credits) as breakage_reversed_points
    from {{ ref('int_points_fifo') }}
    group by contact_uuid
),

reward_costs as (
    select
        movements.contact_uuid,
        count(*) as reward_redemptions,
        sum(coalesce(rewards.cost_price_cents, 0)) as reward_cost_cents,
        max(movements.created_at) as last_reward_redemption_at
    from {{ ref('int_points_movements') }} as movements
    left join {{ ref('stg_piggy__rewards') }} as rewards
        on rewards.reward_uuid = movements.reward_uuid
    where movements.movement_type = 'spend'
    group by movements.contact_uuid
),

cashback as (
    select
        contact_uuid,
        sum(case when amount_cents > 0 then amount_cents else 0 end) as cashback_cents
    from {{ ref('stg_piggy__prepaid_transactions') }}
    group by contact_uuid
),

activity as (
    select
        contact_uuid,
        min(activity_date) as first_seen_date,
        min(case when is_member_initiated then activity_date end) as first_activity_date,
        max(case when is_member_initiated then activity_date end) as last_activity_date,
        max(case when redemption_count > 0 then activity_date end) as last_redemption_date,
        sum(redemption_count) as lifetime_redemptions
    from {{ ref('int_contact_activity') }}
    where activity_date <= {{ as_of_date() }}
    group by contact_uuid
),

active_months as (
    select contact_uuid, count(*) as active_months
    from {{ ref('int_contact_activity_months') }}
    group by contact_uuid
)

select
    contacts.contact_uuid,
    contacts.is_deleted,
    {{ utc_date('contacts.created_at') }} as created_date,
    activity.first_activity_date,
    activity.last_activity_date,
    activity.last_redemption_date,
    {{ month_start('activity.first_activity_date') }} as cohort_month,
    {{ month_start('coalesce(' ~ utc_date('contacts.created_at') ~ ', activity.first_seen_date)') }}
        as signup_month,
    coalesce(active_months.active_months, 0) as active_months,
    coalesce(activity.lifetime_redemptions, 0) as lifetime_redemptions,
    coalesce(points.purchase_value_cents, 0) as purchase_value_cents,
    coalesce(points.lifetime_points_earned, 0) as lifetime_points_earned,
    coalesce(points.lifetime_points_spent, 0) as lifetime_points_spent,
    coalesce(points.ledger_points_balance, 0) as ledger_points_balance,
    coalesce(breakage.estimated_breakage_points, 0) as estimated_breakage_points,
    coalesce(breakage.breakage_reversed_points, 0) as breakage_reversed_points,
    coalesce(points.ledger_points_balance, 0) - coalesce(breakage.estimated_breakage_points, 0)
        as outstanding_points,
    coalesce(reward_costs.reward_cost_cents, 0) as reward_cost_cents,
    coalesce(cashback.cashback_cents, 0) as cashback_cents
from contacts
left join points on points.contact_uuid = contacts.contact_uuid
left join breakage on breakage.contact_uuid = contacts.contact_uuid
left join reward_costs on reward_costs.contact_uuid = contacts.contact_uuid
left join cashback on cashback.contact_uuid = contacts.contact_uuid
left join activity on activity.contact_uuid = contacts.contact_uuid
left join active_months on active_months.contact_uuid = contacts.contact_uuid
