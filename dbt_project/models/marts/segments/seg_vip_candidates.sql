{#-
  Reachable contacts below the top tier who spent at least `vip_min_spend_cents` and either
  brought `vip_min_completed_referrals` completed referrals or visited `vip_min_visits_90d` times
  in the last 90 days.
-#}
with rules as (
    select
        *,
        lifetime_purchase_value_cents >= {{ var('vip_min_spend_cents') }} as meets_spend_rule,
        completed_referrals >= {{ var('vip_min_completed_referrals') }} as meets_referral_rule,
        visits_90d >= {{ var('vip_min_visits_90d') }} as meets_visit_rule
    from {{ ref('int_segment_base') }}
    where not is_top_tier
)

select
    {{ segment_member_columns() }},
    lifetime_purchase_value_cents,
    completed_referrals,
    visits_90d,
    meets_spend_rule,
    meets_referral_rule,
    meets_visit_rule
from rules
where meets_spend_rule and (meets_referral_rule or meets_visit_rule)
