{#- LTV per member, computed once in `int_customer_ltv` (DECISIONS.md) and shared with `dim_contacts`. -#}
select
    contact_uuid,
    is_deleted,
    is_never_active,
    cohort_month,
    first_activity_date,
    tenure_days,
    tenure_months,
    active_months,
    purchase_value_cents,
    cashback_cents,
    reward_cost_cents,
    net_value_cents,
    projected_12m_value_cents,
    ltv_decile
from {{ ref('int_customer_ltv') }}
