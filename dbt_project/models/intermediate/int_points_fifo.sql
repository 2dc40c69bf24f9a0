{#-
  First-in-first-out expiry, estimated because Piggy's rule is not in the API (DECISIONS.md), as
  one row per event that moves the estimated breakage: a lot reaching its expiry day, or a
  removal (spend, reversal, negative adjustment).

  Each positive movement is a lot that expires `points_expire_after_days` after the day it was
  earned, at the start of that day; removals take the oldest unexpired points first. A removal
  larger than the unexpired points proves that written-off points had not expired: the rest
  comes back out of the breakage. With B the ledger balance after a removal, breakage therefore
  moves as
    at the expiry of lot i:  breakage = max(breakage, earned through lot i - removed before it expires)
    at a removal:            breakage = min(breakage, max(B, 0))
  Between two removals only the first rule applies, so each stretch reduces to its highest
  `earned - removed` (its peak), and breakage after removal j is the highest, over the stretches
  s before j, of min(peak s, lowest balance after the removals from s to j). Window functions and
  one join of stretches to later removals compute it, without a loop. Lots expiring after the
  as-of day assume no further spending: the "expiring soon" projection.
-#}
with movements as (
    select
        loyalty_transaction_uuid,
        contact_uuid,
        credits,
        created_at,
        movement_date,
        sum(credits) over (
            partition by contact_uuid order by created_at, loyalty_transaction_uuid
            rows between unbounded preceding and current row
        ) as balance_after,
        sum(case when credits > 0 then credits else 0 end) over (
            partition by contact_uuid order by created_at, loyalty_transaction_uuid
            rows between unbounded preceding and current row
        ) as earned_through
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
        earned_through as earned_through_lot
    from movements
    where credits > 0
),

removals as (
    select
        contact_uuid,
        loyalty_transaction_uuid as removal_uuid,
        -credits as removed_credits,
        created_at as removed_at,
        movement_date as removal_date,
        greatest(balance_after, 0) as balance_floor,
        row_number() over (
            partition by contact_uuid order by created_at, loyalty_transaction_uuid
        ) as removal_number
    from movements
    where credits < 0
),

{#- Expiry happens at the start of its day: a removal on that day comes after it. -#}
timeline as (
    select contact_uuid, expiry_date as event_date, 0 as event_order, earned_at as event_at,
        lot_uuid as event_uuid, 0 as removed_credits, 0 as is_removal
    from lots
    union all
    select contact_uuid, removal_date, 1, removed_at, removal_uuid, removed_credits, 1
    from removals
),

removed_by_event as (
    select
        event_uuid,
        event_order,
        sum(removed_credits) over (
            partition by contact_uuid order by event_date, event_order, event_at, event_uuid
            rows between unbounded preceding and current row
        ) as removed_before,
        sum(is_removal) over (
            partition by contact_uuid order by event_date, event_order, event_at, event_uuid
            rows between unbounded preceding and current row
        ) as stretch
    from timeline
),

lot_peaks as (
    select
        lots.*,
        removed_by_event.removed_before as removed_before_expiry,
        removed_by_event.stretch,
        lots.earned_through_lot - removed_by_event.removed_before as unspent_at_expiry
    from lots
    inner join removed_by_event
        on removed_by_event.event_uuid = lots.lot_uuid
        and removed_by_event.event_order = 0
),

stretch_peaks as (
    select contact_uuid, stretch, max(unspent_at_expiry) as peak
    from lot_peaks
    group by contact_uuid, stretch
),

stretch_floors as (
    select
        removals.contact_uuid,
        removals.removal_number,
        stretch_peaks.peak,
        min(removals.balance_floor) over (
            partition by removals.contact_uuid, stretch_peaks.stretch
            order by removals.removal_number
            rows between unbounded preceding and current row
        ) as lowest_balance_since
    from removals
    inner join stretch_peaks
        on stretch_peaks.contact_uuid = removals.contact_uuid
        and stretch_peaks.stretch < removals.removal_number
),

breakage_after_removal as (
    select
        contact_uuid,
        removal_number,
        greatest(0, max(least(peak, lowest_balance_since))) as breakage_after
    from stretch_floors
    group by contact_uuid, removal_number
),

removal_breakage as (
    select
        removals.*,
        coalesce(breakage_after_removal.breakage_after, 0) as breakage_after
    from removals
    left join breakage_after_removal
        on breakage_after_removal.contact_uuid = removals.contact_uuid
        and breakage_after_removal.removal_number = removals.removal_number
),

{#- Breakage on entering each stretch: after its opening removal, 0 before the first. -#}
stretch_start as (
    select contact_uuid, removal_number as stretch, breakage_after as breakage_at_start
    from removal_breakage
),

lot_expiry as (
    select
        lot_peaks.*,
        greatest(coalesce(stretch_start.breakage_at_start, 0), max(lot_peaks.unspent_at_expiry) over (
            partition by lot_peaks.contact_uuid, lot_peaks.stretch
            order by lot_peaks.earned_at, lot_peaks.lot_uuid
            rows between unbounded preceding and current row
        )) as breakage_after,
        {#- The same window one row shorter, sorted once with it: the breakage before the lot
            expires, which lag() would have taken a second sort of every lot to find. -#}
        greatest(coalesce(stretch_start.breakage_at_start, 0), coalesce(max(lot_peaks.unspent_at_expiry) over (
            partition by lot_peaks.contact_uuid, lot_peaks.stretch
            order by lot_peaks.earned_at, lot_peaks.lot_uuid
            rows between unbounded preceding and 1 preceding
        ), 0)) as breakage_before_expiry
    from lot_peaks
    left join stretch_start
        on stretch_start.contact_uuid = lot_peaks.contact_uuid
        and stretch_start.stretch = lot_peaks.stretch
),

removal_events as (
    select
        removal_breakage.*,
        greatest(coalesce(stretch_start.breakage_at_start, 0), coalesce(previous_peaks.peak, 0))
            as breakage_before
    from removal_breakage
    left join stretch_start
        on stretch_start.contact_uuid = removal_breakage.contact_uuid
        and stretch_start.stretch = removal_breakage.removal_number - 1
    left join stretch_peaks as previous_peaks
        on previous_peaks.contact_uuid = removal_breakage.contact_uuid
        and previous_peaks.stretch = removal_breakage.removal_number - 1
)

select
    lot_uuid as event_uuid,
    'expiry' as event_kind,
    contact_uuid,
    expiry_date as event_date,
    earned_at as event_at,
    lot_credits as credits,
    earned_date,
    earned_through_lot,
    removed_before_expiry,
    breakage_after - breakage_before_expiry as expiring_credits,
    0 as breakage_reversed_credits,
    breakage_after,
    expiry_date <= {{ as_of_date() }} as is_expired
from lot_expiry
union all
select
    removal_uuid,
    'removal',
    contact_uuid,
    removal_date,
    removed_at,
    -removed_credits,
    cast(null as date),
    cast(null as {{ dbt.type_bigint() }}),
    cast(null as {{ dbt.type_bigint() }}),
    0,
    breakage_before - breakage_after,
    breakage_after,
    cast(null as {{ dbt.type_boolean() }})
from removal_events
