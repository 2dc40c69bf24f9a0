{#-
  First-in-first-out expiry, estimated because Piggy's rule is not in the API (DECISIONS.md).
  Each positive movement is a lot that expires `points_expire_after_days` after the day it was
  earned; removals (spends, reversals, negative adjustments) consume the oldest lots first.
  With every lot living equally long, what has expired after lot j is
  max(0, max over i <= j of (earned through lot i - removed before lot i expires)), a running
  maximum, so the whole FIFO needs window functions only. Lots expiring after the as-of day
  assume no further spending: that is the "expiring soon" projection.
-#}
with movements as (
    select loyalty_transaction_uuid, contact_uuid, credits, created_at, movement_date
    from {{ ref('int_points_movements') }}
    where contact_uuid is not null
        and credits <> 0
        and movement_date <= {{ as_of_date() }}
),

lots as (
    select
        contact_uuid,
        loyalty_transaction_uuid as lot_uuid,
        credits as lot_credits,
        created_at as earned_at,
        movement_date as earned_date,
        {{ add_days('movement_date', var('points_expire_after_days')) }} as expiry_date,
        sum(credits) over (
            partition by contact_uuid order by created_at, loyalty_transaction_uuid
            rows between unbounded preceding and current row
        ) as earned_through_lot
    from movements
    where credits > 0
),

{#- Expiry happens at the start of its day: a removal on that day comes after it. -#}
timeline as (
    select contact_uuid, expiry_date as event_date, 0 as event_order, lot_uuid as event_uuid,
        0 as removed_credits
    from lots
    union all
    select contact_uuid, movement_date, 1, loyalty_transaction_uuid, -credits
    from movements
    where credits < 0
),

removed_by_event as (
    select
        event_uuid,
        event_order,
        sum(removed_credits) over (
            partition by contact_uuid order by event_date, event_order, event_uuid
            rows between unbounded preceding and current row
        ) as removed_before
    from timeline
),

expired_running as (
    select
        lots.*,
        removed_by_event.removed_before as removed_before_expiry,
        greatest(0, max(lots.earned_through_lot - removed_by_event.removed_before) over (
            partition by lots.contact_uuid order by lots.earned_at, lots.lot_uuid
            rows between unbounded preceding and current row
        )) as expired_through_lot
    from lots
    inner join removed_by_event
        on removed_by_event.event_uuid = lots.lot_uuid
        and removed_by_event.event_order = 0
)

select
    contact_uuid,
    lot_uuid,
    lot_credits,
    earned_at,
    earned_date,
    expiry_date,
    earned_through_lot,
    removed_before_expiry,
    expired_through_lot - coalesce(lag(expired_through_lot) over (
        partition by contact_uuid order by earned_at, lot_uuid
    ), 0) as expiring_credits,
    expiry_date <= {{ as_of_date() }} as is_expired
from expired_running
