{#-
  Tier changes seen in the scd2 history of contacts, counted by month, tier pair and direction.
  A change is dated when the load observed it (`valid_from` of the new version): the API keeps no
  tier history. A contact's first version is not a change. Higher position = higher tier.
-#}
with versions as (
    select
        contact_uuid,
        tier_uuid,
        tier_name,
        tier_position,
        valid_from,
        lag(tier_uuid) over (partition by contact_uuid order by valid_from) as previous_tier_uuid,
        lag(tier_name) over (partition by contact_uuid order by valid_from) as previous_tier_name,
        lag(tier_position) over (partition by contact_uuid order by valid_from) as previous_tier_position,
        row_number() over (partition by contact_uuid order by valid_from) as version_number
    from {{ ref('stg_piggy__contacts') }}
),

changes as (
    select
        {{ month_start(utc_date('valid_from')) }} as change_month,
        coalesce(previous_tier_name, '(none)') as from_tier_name,
        coalesce(tier_name, '(none)') as to_tier_name,
        case
            when coalesce(tier_position, -1) > coalesce(previous_tier_position, -1) then 'upgrade'
            else 'downgrade'
        end as direction,
        contact_uuid
    from versions
    where version_number > 1
        and coalesce(tier_uuid, '') <> coalesce(previous_tier_uuid, '')
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
    sum(case when direction = 'downgrade' then 1 else 0 end) as downgrades
from changes
group by change_month, from_tier_name, to_tier_name, direction
