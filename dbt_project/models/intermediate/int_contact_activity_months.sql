{#- One row per contact and calendar month (UTC) in which it was active (member-initiated). -#}
select
    contact_uuid,
    {{ month_start('activity_date') }} as activity_month,
    count(*) as activity_count,
    coalesce(sum(purchase_amount_cents), 0) as purchase_amount_cents,
    sum(redemption_count) as redemption_count
from {{ ref('int_contact_activity') }}
where is_member_initiated and activity_date <= {{ as_of_date() }}
group by contact_uuid, {{ month_start('activity_date') }}
