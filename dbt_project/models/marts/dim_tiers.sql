with members as (
    select tier_uuid, count(*) as current_members
    from {{ ref('int_contacts_current') }}
    where not is_deleted
    group by tier_uuid
)

select
    tiers.tier_uuid,
    tiers.tier_name,
    tiers.description,
    tiers.tier_position,
    tiers.tier_position = max(tiers.tier_position) over () as is_top_tier,
    coalesce(members.current_members, 0) as current_members
from {{ ref('stg_piggy__tiers') }} as tiers
left join members on members.tier_uuid = tiers.tier_uuid
