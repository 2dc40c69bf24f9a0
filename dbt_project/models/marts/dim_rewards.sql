with redemptions as (
    select
        reward_uuid,
        count(*) as lifetime_redemptions,
        sum(points_spent) as lifetime_points_spent,
        min(redeemed_at) as first_redeemed_at,
        max(redeemed_at) as last_redeemed_at
    from {{ ref('fct_redemptions') }}
    where redemption_kind = 'reward'
    group by reward_uuid
)

select
    rewards.reward_uuid,
    rewards.reward_title,
    rewards.reward_type,
    rewards.is_active,
    rewards.required_credits,
    rewards.cost_price_cents,
    rewards.stock,
    rewards.is_pre_redeemable,
    rewards.expiration_duration_days,
    coalesce(redemptions.lifetime_redemptions, 0) as lifetime_redemptions,
    coalesce(redemptions.lifetime_points_spent, 0) as lifetime_points_spent,
    redemptions.first_redeemed_at,
    redemptions.last_redeemed_at
from {{ ref('stg_piggy__rewards') }} as rewards
left join redemptions on redemptions.reward_uuid = rewards.reward_uuid
