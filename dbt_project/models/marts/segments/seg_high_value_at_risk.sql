{#-
  Reachable contacts in the top LTV deciles (`at_risk_min_ltv_decile` and up) with no activity for
  `at_risk_inactive_days` days or more.
-#}
select
    {{ segment_member_columns() }},
    ltv_decile,
    net_value_cents,
    last_activity_date,
    {{ dbt.datediff('last_activity_date', as_of_date(), 'day') }} as days_since_last_activity
from {{ ref('int_segment_base') }}
where ltv_decile >= {{ var('at_risk_min_ltv_decile') }}
    and last_activity_date <= {{ add_days(as_of_date(), -var('at_risk_inactive_days')) }}
