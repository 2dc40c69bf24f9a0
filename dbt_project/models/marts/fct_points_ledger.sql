with api_movements as (
    select
        loyalty_transaction_uuid as movement_key,
        loyalty_transaction_uuid,
        contact_uuid,
        movement_type,
        credits,
        created_at as occurred_at,
        movement_date,
        shop_uuid,
        reward_uuid,
        purchase_amount_cents,
        false as is_estimated
    from {{ ref('int_points_movements') }}
),

estimated_expiry as (
    select
        {{ dbt.concat(["'expiry:'", 'lot_uuid']) }} as movement_key,
        lot_uuid as loyalty_transaction_uuid,
        contact_uuid,
        'expiry' as movement_type,
        -expiring_credits as credits,
        cast(null as {{ type_timestamp_tz() }}) as occurred_at,
        expiry_date as movement_date,
        cast(null as {{ dbt.type_string() }}) as shop_uuid,
        cast(null as {{ dbt.type_string() }}) as reward_uuid,
        cast(null as {{ dbt.type_bigint() }}) as purchase_amount_cents,
        true as is_estimated
    from {{ ref('int_points_expiry_lots') }}
    where is_expired and expiring_credits > 0
)

select * from api_movements
union all
select * from estimated_expiry
