{#- Reachable contacts with points that expire within 14 days (estimated FIFO expiry). -#}
select
    {{ segment_member_columns() }},
    points_expiring_14d,
    {{ dbt.datediff(as_of_date(), 'next_expiry_date', 'day') }} as days_until_next_expiry
from {{ ref('int_segment_base') }}
where points_expiring_14d >= {{ var('points_expiring_min_points') }}
