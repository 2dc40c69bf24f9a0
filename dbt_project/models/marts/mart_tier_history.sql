{#-
  Tier changes (`fct_tier_changes`) counted by the month the account changed them, tier pair and
  direction; `last_loaded_at` is the latest load that saw one of them.
-#}
with changes as (
    select
        {{ month_start('change_date') }} as change_month,
        from_tier_name,
        to_tier_name,
        direction,
        contact_uuid,
        loaded_at
    from {{ ref('fct_tier_changes') }}
)

select
    {{ dbt.concat(['cast(change_month as ' ~ dbt.type_string() ~ ')', "'|'", 'from_tier_name',
                   "'|'", 'to_tier_name']) }} as tier_change_key,
    change_month,
    from_tier_name,
    to_tier_name,
    direction,
    count(*) as tier_changes,
    count(distinct contact_uuid) as contacts_changed,
    sum(case when direction = 'upgrade' then 1 else 0 end) as upgrades,
    sum(case when direction = 'downgrade' then 1 else 0 end) as downgrades,
    sum(case when direction = 'joined' then 1 else 0 end) as joins,
    max(loaded_at) as last_loaded_at
from changes
group by change_month, from_tier_name, to_tier_name, direction
