{#-
  Members grouped two ways, side by side (`cohort_basis`): by `signup` month (every member is in
  exactly one) and by `first_activity` month (members who ever acted). One row per basis, cohort
  month and month since, up to the as-of month, even when nobody was active; active means
  member-initiated activity. Shared by `mart_cohort_retention` and the LTV curve.
-#}
with members as (
    select contact_uuid, 'signup' as cohort_basis, signup_month as cohort_month
    from {{ ref('int_contact_values') }}
    where signup_month is not null
    union all
    select contact_uuid, 'first_activity', cohort_month
    from {{ ref('int_contact_values') }}
    where cohort_month is not null
),

cohort_sizes as (
    select cohort_basis, cohort_month, count(*) as cohort_size
    from members
    where cohort_month <= {{ month_start(as_of_date()) }}
    group by cohort_basis, cohort_month
),

spine as (
    select
        cohort_sizes.cohort_basis,
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_size,
        months.n as months_since_cohort_month,
        {{ add_months('cohort_sizes.cohort_month', 'months.n') }} as activity_month
    from cohort_sizes
    cross join ({{ integer_series(1200) }}) as months
    where {{ add_months('cohort_sizes.cohort_month', 'months.n') }}
        <= {{ month_start(as_of_date()) }}
),

activity as (
    select
        members.cohort_basis,
        members.cohort_month,
        activity_months.activity_month,
        count(*) as active_contacts,
        sum(activity_months.purchase_amount_cents) as purchase_amount_cents,
        sum(activity_months.redemption_count) as redemptions
    from {{ ref('int_contact_activity_months') }} as activity_months
    inner join members on members.contact_uuid = activity_months.contact_uuid
    where activity_months.activity_month >= members.cohort_month
    group by members.cohort_basis, members.cohort_month, activity_months.activity_month
)

select
    spine.cohort_basis,
    spine.cohort_month,
    spine.months_since_cohort_month,
    spine.activity_month,
    spine.cohort_size,
    coalesce(activity.active_contacts, 0) as active_contacts,
    coalesce(activity.purchase_amount_cents, 0) as purchase_amount_cents,
    coalesce(activity.redemptions, 0) as redemptions
from spine
left join activity
    on activity.cohort_basis = spine.cohort_basis
    and activity.cohort_month = spine.cohort_month
    and activity.activity_month = spine.activity_month
