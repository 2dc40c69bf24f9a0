{#- Cohorts by first-activity month; every month since, up to the as-of month, even when quiet. -#}
with activity_months as (
    select * from {{ ref('int_contact_activity_months') }}
),

cohorts as (
    select contact_uuid, min(activity_month) as cohort_month
    from activity_months
    group by contact_uuid
),

cohort_sizes as (
    select cohort_month, count(*) as cohort_size
    from cohorts
    group by cohort_month
),

spine as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_size,
        months.n as months_since_first_activity,
        {{ add_months('cohort_sizes.cohort_month', 'months.n') }} as activity_month
    from cohort_sizes
    cross join ({{ integer_series(1200) }}) as months
    where {{ add_months('cohort_sizes.cohort_month', 'months.n') }}
        <= {{ month_start(as_of_date()) }}
),

activity as (
    select
        cohorts.cohort_month,
        activity_months.activity_month,
        count(*) as active_contacts,
        sum(activity_months.purchase_amount_cents) as purchase_amount_cents,
        sum(activity_months.redemption_count) as redemptions
    from activity_months
    inner join cohorts on cohorts.contact_uuid = activity_months.contact_uuid
    group by cohorts.cohort_month, activity_months.activity_month
),

filled as (
    select
        spine.cohort_month,
        spine.months_since_first_activity,
        spine.activity_month,
        spine.cohort_size,
        coalesce(activity.active_contacts, 0) as active_contacts,
        coalesce(activity.purchase_amount_cents, 0) as purchase_amount_cents,
        coalesce(activity.redemptions, 0) as redemptions
    from spine
    left join activity
        on activity.cohort_month = spine.cohort_month
        and activity.activity_month = spine.activity_month
)

select
    {{ dbt.concat(['cast(cohort_month as ' ~ dbt.type_string() ~ ')', "'|'",
                   'cast(months_since_first_activity as ' ~ dbt.type_string() ~ ')']) }} as cohort_month_key,
    cohort_month,
    months_since_first_activity,
    activity_month,
    cohort_size,
    active_contacts,
    cast(active_contacts as {{ type_double() }}) / cohort_size as retention_rate,
    cast(sum(purchase_amount_cents) over (
        partition by cohort_month order by months_since_first_activity
        rows between unbounded preceding and current row
    ) as {{ type_double() }}) / cohort_size as cumulative_spend_cents_per_contact,
    cast(sum(redemptions) over (
        partition by cohort_month order by months_since_first_activity
        rows between unbounded preceding and current row
    ) as {{ type_double() }}) / cohort_size as cumulative_redemptions_per_contact
from filled
