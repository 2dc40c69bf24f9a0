{#-
  Net value to date, and the next 12 months projected from the pooled first-activity cohort curve:
  a member's net value per active month times the active months the curve expects over its next
  12 months of tenure (months past the observed curve reuse its last value). A deleted member gets
  no projection. Deciles rank members who ever acted by net value, ties sharing a decile
  (1 + floor(10 x (rank - 1) / members ranked)); a member who never acted has no decile.
-#}
with contact_values as (
    select * from {{ ref('int_contact_values') }}
),

curve as (
    select
        months_since_cohort_month,
        cast(sum(active_contacts) as {{ type_double() }}) / sum(cohort_size) as pooled_retention
    from {{ ref('int_cohort_retention') }}
    where cohort_basis = 'first_activity'
    group by months_since_cohort_month
),

curve_tail as (
    select pooled_retention as last_retention
    from curve
    where months_since_cohort_month = (select max(months_since_cohort_month) from curve)
),

tenure as (
    select
        *,
        first_activity_date is null as is_never_active,
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
        on curve.months_since_cohort_month = tenure.tenure_months + ahead.n
    where ahead.n >= 1
    group by tenure.contact_uuid
),

projected as (
    select
        tenure.*,
        case
            when tenure.is_deleted then null
            when tenure.active_months > 0 then cast(round(cast(
                cast(tenure.net_value_cents as {{ type_double() }}) / tenure.active_months
                    * coalesce(expected_active_months.expected_active_months, 0)
                as {{ dbt.type_numeric() }})) as {{ dbt.type_bigint() }})
            else 0
        end as projected_12m_value_cents
    from tenure
    left join expected_active_months
        on expected_active_months.contact_uuid = tenure.contact_uuid
),

ranked as (
    select
        contact_uuid,
        rank() over (order by net_value_cents) as value_rank,
        count(*) over () as ranked_members
    from projected
    where not is_never_active
)

select
    projected.contact_uuid,
    projected.is_deleted,
    projected.is_never_active,
    projected.cohort_month,
    projected.first_activity_date,
    projected.tenure_days,
    projected.tenure_months,
    projected.active_months,
    projected.purchase_value_cents,
    projected.cashback_cents,
    projected.reward_cost_cents,
    projected.net_value_cents,
    projected.projected_12m_value_cents,
    1 + cast(floor(10 * cast(ranked.value_rank - 1 as {{ type_double() }}) / ranked.ranked_members)
        as {{ dbt.type_int() }}) as ltv_decile
from projected
left join ranked on ranked.contact_uuid = projected.contact_uuid
