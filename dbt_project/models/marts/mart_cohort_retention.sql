{#-
  Cohorts by signup month and by first-activity month (`cohort_basis`), every month since up to
  the as-of month, even when quiet: retention and cumulative spend and redemptions per member.
  `months_since_first_activity` is the historical name of `months_since_cohort_month`.
-#}
with grid as (
    select * from {{ ref('int_cohort_retention') }}
)

select
    {{ dbt.concat(['cohort_basis', "'|'", 'cast(cohort_month as ' ~ dbt.type_string() ~ ')', "'|'",
                   'cast(months_since_cohort_month as ' ~ dbt.type_string() ~ ')']) }} as cohort_month_key,
    cohort_basis,
    cohort_month,
    months_since_cohort_month,
    months_since_cohort_month as months_since_first_activity,
    activity_month,
    cohort_size,
    active_contacts,
    cast(active_contacts as {{ type_double() }}) / cohort_size as retention_rate,
    cast(sum(purchase_amount_cents) over (
        partition by cohort_basis, cohort_month order by months_since_cohort_month
        rows between unbounded preceding and current row
    ) as {{ type_double() }}) / cohort_size as cumulative_spend_cents_per_contact,
    cast(sum(redemptions) over (
        partition by cohort_basis, cohort_month order by months_since_cohort_month
        rows between unbounded preceding and current row
    ) as {{ type_double() }}) / cohort_size as cumulative_redemptions_per_contact
from grid
