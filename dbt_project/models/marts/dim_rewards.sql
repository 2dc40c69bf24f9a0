with redemptions as (
    select
        reward_uuid,
        count(*) as lifetime_redemptions,
        sum(-credits) as lifetime_points_spent,
        min(created_at) as first_redeemed_at,
        max(created_at) as last_redeemed_at
    from {{ ref('int_points_movements') }}
    where movement_type = 'spend'
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
