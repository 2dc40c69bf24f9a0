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

  Partitions, orderings and joins use integers: a number per contact and, within a contact, the
  movement's place in time (created_at, then uuid). On ten million movements they sort and hash
  in a fraction of the time the 36-character uuids take; the uuids only ride along for the output.
-#}
with contact_numbers as (
    select contact_uuid, row_number() over (order by contact_uuid) as contact_number
    from (
        select distinct contact_uuid
        from {{ ref('int_points_movements') }}
        where contact_uuid is not null
    ) as contacts
),

movements as (
    select
        contact_numbers.contact_number,
        points.contact_uuid,
        points.loyalty_transaction_uuid,
        points.credits,
        points.created_at,
        points.movement_date,
        row_number() over (
            partition by contact_numbers.contact_number
            order by points.created_at, points.loyalty_transaction_uuid
        ) as movement_number,
        sum(points.credits) over (
            partition by contact_numbers.contact_number
            order by points.created_at, points.loyalty_transaction_uuid
            rows between unbounded preceding and current row
        ) as balance_after,
        sum(case when points.credits > 0 then points.credits else 0 end) over (
            partition by contact_numbers.contact_number
            order by points.created_at, points.loyalty_transaction_uuid
            rows between unbounded preceding and current row
        ) as earned_through
    from {{ ref('int_points_movements') }} as points
    inner join contact_numbers
        on contact_numbers.contact_uuid = points.contact_uuid
    where points.credits <> 0
        and points.movement_date <= {{ as_of_date() }}
),

lots as (
    select
        contact_number,
        contact_uuid,
        movement_number as lot_number,
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
        contact_number,
        contact_uuid,
        loyalty_transaction_uuid as removal_uuid,
        -credits as removed_credits,
        created_at as removed_at,
        movement_date as removal_date,
        greatest(balance_after, 0) as balance_floor,
        row_number() over (
            partition by contact_number order by movement_number
        ) as removal_number,
        movement_number
    from movements
    where credits < 0
),

{#- Expiry happens at the start of its day: a removal on that day comes after it. -#}
timeline as (
    select contact_number, expiry_date as event_date, 0 as event_order,
        lot_number as event_number, 0 as removed_credits, 0 as is_removal
    from lots
    union all
    select contact_number, removal_date, 1, movement_number, removed_credits, 1
    from removals
),

removed_by_event as (
    select
        contact_number,
        event_number,
        event_order,
        sum(removed_credits) over (
            partition by contact_number order by event_date, event_order, event_number
            rows between unbounded preceding and current row
        ) as removed_before,
        sum(is_removal) over (
            partition by contact_number order by event_date, event_order, event_number
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
        on removed_by_event.contact_number = lots.contact_number
        and removed_by_event.event_number = lots.lot_number
        and removed_by_event.event_order = 0
),

stretch_peaks as (
    select contact_number, stretch, max(unspent_at_expiry) as peak
    from lot_peaks
    group by contact_number, stretch
),

stretch_floors as (
    select
        removals.contact_number,
        removals.removal_number,
        stretch_peaks.peak,
        min(removals.balance_floor) over (
            partition by removals.contact_number, stretch_peaks.stretch
            order by removals.removal_number
            rows between unbounded preceding and current row
        ) as lowest_balance_since
    from removals
    inner join stretch_peaks
        on stretch_peaks.contact_number = removals.contact_number
        and stretch_peaks.stretch < removals.removal_number
),

breakage_after_removal as (
    select
        contact_number,
        removal_number,
        greatest(0, max(least(peak, lowest_balance_since))) as breakage_after
    from stretch_floors
    group by contact_number, removal_number
),

removal_breakage as (
    select
        removals.*,
        coalesce(breakage_after_removal.breakage_after, 0) as breakage_after
    from removals
    left join breakage_after_removal
        on breakage_after_removal.contact_number = removals.contact_number
        and breakage_after_removal.removal_number = removals.removal_number
),

{#- Breakage on entering each stretch: after its opening removal, 0 before the first. -#}
stretch_start as (
    select contact_number, removal_number as stretch, breakage_after as breakage_at_start
    from removal_breakage
),

lot_expiry as (
    select
        lot_peaks.*,
        greatest(coalesce(stretch_start.breakage_at_start, 0), max(lot_peaks.unspent_at_expiry) over (
            partition by lot_peaks.contact_number, lot_peaks.stretch
            order by lot_peaks.lot_number
            rows between unbounded preceding and current row
        )) as breakage_after,
        coalesce(stretch_start.breakage_at_start, 0) as breakage_at_stretch_start
    from lot_peaks
    left join stretch_start
        on stretch_start.contact_number = lot_peaks.contact_number
        and stretch_start.stretch = lot_peaks.stretch
),

removal_events as (
    select
        removal_breakage.*,
        greatest(coalesce(stretch_start.breakage_at_start, 0), coalesce(previous_peaks.peak, 0))
            as breakage_before
    from removal_breakage
    left join stretch_start
        on stretch_start.contact_number = removal_breakage.contact_number
        and stretch_start.stretch = removal_breakage.removal_number - 1
    left join stretch_peaks as previous_peaks
        on previous_peaks.contact_number = removal_breakage.contact_number
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
    breakage_after - coalesce(lag(breakage_after) over (
        partition by contact_number, stretch order by lot_number
    ), breakage_at_stretch_start) as expiring_credits,
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
