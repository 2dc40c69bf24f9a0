with reward_receptions as (
    select
        loyalty_transaction_uuid as redemption_key,
        'reward' as redemption_kind,
        contact_uuid,
        reward_uuid,
        cast(null as {{ dbt.type_string() }}) as promotion_uuid,
        reward_title as item_name,
        -credits as points_spent,
        shop_uuid,
        created_at as redeemed_at,
        movement_date as redemption_date
    from {{ ref('int_points_movements') }}
    where movement_type = 'spend'
),

voucher_redemptions as (
    select
        voucher_uuid as redemption_key,
        'voucher' as redemption_kind,
        contact_uuid,
        cast(null as {{ dbt.type_string() }}) as reward_uuid,
        promotion_uuid,
        coalesce(promotion_name, voucher_name) as item_name,
        cast(0 as {{ dbt.type_bigint() }}) as points_spent,
        cast(null as {{ dbt.type_string() }}) as shop_uuid,
        redeemed_at,
        {{ utc_date('redeemed_at') }} as redemption_date
    from {{ ref('stg_piggy__vouchers') }}
    where redeemed_at is not null
),

unioned as (
    select * from reward_receptions
    union all
    select * from voucher_redemptions
)

select
    unioned.*,
    rewards.cost_price_cents as reward_cost_cents
from unioned
left join {{ ref('stg_piggy__rewards') }} as rewards
    on rewards.reward_uuid = unioned.reward_uuid
