{#-
  The API ledger plus our estimate: each lot's estimated expiry (on its expiry day, before that
  day's movements) and each give-back of breakage a removal proved wrong (just before that
  removal). `running_points_balance` is the contact's unexpired points after the row, in that
  order; the FIFO rule keeps it from going negative.
-#}
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
        false as is_estimated,
        1 as day_order,
        created_at as sort_at,
        1 as sort_slot
    from {{ ref('int_points_movements') }}
),

estimated_expiry as (
    select
        {{ dbt.concat(["'expiry:'", 'event_uuid']) }} as movement_key,
        event_uuid as loyalty_transaction_uuid,
        contact_uuid,
        'expiry' as movement_type,
        -expiring_credits as credits,
        cast(null as {{ type_timestamp_tz() }}) as occurred_at,
        event_date as movement_date,
        cast(null as {{ dbt.type_string() }}) as shop_uuid,
        cast(null as {{ dbt.type_string() }}) as reward_uuid,
        cast(null as {{ dbt.type_bigint() }}) as purchase_amount_cents,
        true as is_estimated,
        0 as day_order,
        event_at as sort_at,
        1 as sort_slot
    from {{ ref('int_points_fifo') }}
    where event_kind = 'expiry' and is_expired and expiring_credits > 0
),

expiry_given_back as (
    select
        {{ dbt.concat(["'expiry_reversal:'", 'event_uuid']) }} as movement_key,
        event_uuid as loyalty_transaction_uuid,
        contact_uuid,
        'expiry_reversal' as movement_type,
        breakage_reversed_credits as credits,
        event_at as occurred_at,
        event_date as movement_date,
        cast(null as {{ dbt.type_string() }}) as shop_uuid,
        cast(null as {{ dbt.type_string() }}) as reward_uuid,
        cast(null as {{ dbt.type_bigint() }}) as purchase_amount_cents,
        true as is_estimated,
        1 as day_order,
        event_at as sort_at,
        0 as sort_slot
    from {{ ref('int_points_fifo') }}
    where event_kind = 'removal' and breakage_reversed_credits > 0
),

unioned as (
    select * from api_movements
    union all
    select * from estimated_expiry
    union all
    select * from expiry_given_back
)

select
    movement_key,
    loyalty_transaction_uuid,
    contact_uuid,
    movement_type,
    credits,
    occurred_at,
    movement_date,
    shop_uuid,
    reward_uuid,
    purchase_amount_cents,
    is_estimated,
    sum(credits) over (
        partition by contact_uuid
        order by movement_date, day_order, sort_at, sort_slot, movement_key
        rows between unbounded preceding and current row
    ) as running_points_balance
from unioned
