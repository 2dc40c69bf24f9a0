{#- The lots of the FIFO expiry estimate (`int_points_fifo`), one row per earned lot. -#}
select
    contact_uuid,
    event_uuid as lot_uuid,
    credits as lot_credits,
    event_at as earned_at,
    earned_date,
    event_date as expiry_date,
    earned_through_lot,
    removed_before_expiry,
    expiring_credits,
    breakage_after,
    is_expired
from {{ ref('int_points_fifo') }}
where event_kind = 'expiry'
