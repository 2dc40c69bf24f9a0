{#-
  Net value to date, and the next 12 months projected from the pooled cohort curve: a contact's
  net value per active month times the active months the curve expects over its next 12 months
  of tenure (months past the observed curve reuse its last value).
-#}
with contact_values as (
    select * from {{ ref('int_contact_values') }}
),

curve as (
    select
        months_since_first_activity,
        cast(sum(active_contacts) as {{ type_double() }}) / sum(cohort_size) as pooled_retention
    from {{ ref('mart_cohort_retention') }}
    group by months_since_first_activity
),

curve_tail as (
    select pooled_retention as last_retention
    from curve
    where months_since_first_activity = (select max(months_since_first_activity) from curve)
),

tenure as (
    select
        *,
        purchase_value_cents - cashback_cents - reward_cost_cents as net_value_cents,
        {{ dbt.datediff('coalesce(first_activity_date, created_date)', as_of_date(), 'day') }}
            as tenure_days,
        {{ dbt.datediff('coalesce(cohort_month, ' ~ month_start('created_date') ~ ')',
                        month_start(as_of_date()), 'month') }} as tenure_months
    from contact_values
),

expected_active_months as (
    select
        tenure.contact_uuid,
        sum(coalesce(curve.pooled_retention, curve_tail.last_retention, 0)) as expected_active_months
    from tenure
    cross join ({{ integer_series(var('ltv_projection_months') + 1) }}) as ahead
    cross join curve_tail
    left join curve
        on curve.months_since_first_activity = tenure.tenure_months + ahead.n
    where ahead.n >= 1
    group by tenure.contact_uuid
),

projected as (
    select
        tenure.*,
        cast(round(cast(
            case when tenure.active_months > 0
                then cast(tenure.net_value_cents as {{ type_double() }}) / tenure.active_months
                    * coalesce(expected_active_months.expected_active_months, 0)
                else 0
            end as {{ dbt.type_numeric() }})) as {{ dbt.type_bigint() }}) as projected_12m_value_cents
    from tenure
    left join expected_active_months
        on expected_active_months.contact_uuid = tenure.contact_uuid
)

select
    contact_uuid,
    is_deleted,
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
    ntile(10) over (order by net_value_cents, contact_uuid) as ltv_decile
from projected
