{#-
  Tier changes seen in the scd2 history of contacts, one row per change. The API keeps no tier
  history, so a change is what differs between two versions. It is dated by the contact's own
  `updated_at` on the version that first shows the new tier (the account's time of its last change
  before that load), falling back to the load time when the API gave none; the load time is kept
  beside it (`loaded_at`). A contact's first version is not a change. The key is the contact and
  the number of the version that shows the change, which every engine numbers alike. From no tier to a tier is
  `joined`; otherwise a higher position is an `upgrade`, a lower one (or no tier) a `downgrade`.
-#}
with versions as (
    select
        contact_uuid,
        tier_uuid,
        tier_name,
        tier_position,
        updated_at,
        valid_from,
        lag(tier_uuid) over (partition by contact_uuid order by valid_from) as previous_tier_uuid,
        lag(tier_name) over (partition by contact_uuid order by valid_from) as previous_tier_name,
        lag(tier_position) over (partition by contact_uuid order by valid_from) as previous_tier_position,
        row_number() over (partition by contact_uuid order by valid_from) as version_number
    from {{ ref('stg_piggy__contacts') }}
)

select
    {{ dbt.concat(['contact_uuid', "'|'", 'cast(version_number as ' ~ dbt.type_string() ~ ')']) }}
        as tier_change_key,
    contact_uuid,
    previous_tier_uuid as from_tier_uuid,
    coalesce(previous_tier_name, '(none)') as from_tier_name,
    tier_uuid as to_tier_uuid,
    coalesce(tier_name, '(none)') as to_tier_name,
    case
        when previous_tier_uuid is null then 'joined'
        when coalesce(tier_position, -1) > coalesce(previous_tier_position, -1) then 'upgrade'
        else 'downgrade'
    end as direction,
    coalesce(updated_at, valid_from) as changed_at,
    {{ utc_date('coalesce(updated_at, valid_from)') }} as change_date,
    updated_at is not null as is_dated_by_contact,
    valid_from as loaded_at
from versions
where version_number > 1
    and coalesce(tier_uuid, '') <> coalesce(previous_tier_uuid, '')
