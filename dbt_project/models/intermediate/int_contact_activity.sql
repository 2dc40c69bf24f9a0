{#-
  Every dated thing that happened on a contact's account: points movements, voucher redemptions,
  visits and cashback movements. "Active" in DECISIONS.md means at least one row here with
  `is_member_initiated`: the member's own doing (a purchase, a reward, a voucher, a visit, spending
  the cashback wallet), not the merchant's (a bonus, a reversal, an adjustment, a cashback credit).
-#}
with points as (
    select
        contact_uuid,
        created_at as activity_at,
        movement_date as activity_date,
        movement_type as activity_kind,
        is_member_initiated,
        case when movement_type = 'earn' and not is_reversed then purchase_amount_cents end
            as purchase_amount_cents,
        case when movement_type = 'spend' then 1 else 0 end as redemption_count
    from {{ ref('int_points_movements') }}
),

vouchers as (
    select
        contact_uuid,
        redeemed_at as activity_at,
        {{ utc_date('redeemed_at') }} as activity_date,
        'voucher_redemption' as activity_kind,
        true as is_member_initiated,
        cast(null as {{ dbt.type_bigint() }}) as purchase_amount_cents,
        1 as redemption_count
    from {{ ref('stg_piggy__vouchers') }}
    where redeemed_at is not null
),

visits as (
    select
        contact_uuid,
        coalesce(starts_at, created_at) as activity_at,
        {{ utc_date('coalesce(starts_at, created_at)') }} as activity_date,
        'visit' as activity_kind,
        true as is_member_initiated,
        cast(null as {{ dbt.type_bigint() }}) as purchase_amount_cents,
        0 as redemption_count
    from {{ ref('stg_piggy__visits') }}
),

cashback as (
    select
        contact_uuid,
        created_at as activity_at,
        {{ utc_date('created_at') }} as activity_date,
        'cashback' as activity_kind,
        amount_cents < 0 as is_member_initiated,
        cast(null as {{ dbt.type_bigint() }}) as purchase_amount_cents,
        0 as redemption_count
    from {{ ref('stg_piggy__prepaid_transactions') }}
),

unioned as (
    select * from points
    union all
    select * from vouchers
    union all
    select * from visits
    union all
    select * from cashback
)

select *
from unioned
where contact_uuid is not null and activity_date is not null
