{#- Reachable contacts who redeemed before but not in the last `lapsed_redeemer_days` days. -#}
select
    {{ segment_member_columns() }},
    lifetime_redemptions,
    last_redemption_date,
    {{ dbt.datediff('last_redemption_date', as_of_date(), 'day') }} as days_since_last_redemption
from {{ ref('int_segment_base') }}
where lifetime_redemptions > 0
    and last_redemption_date <= {{ add_days(as_of_date(), -var('lapsed_redeemer_days')) }}
