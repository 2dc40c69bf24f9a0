{#-
  Reward receptions by reward and ISO week, plus an all-rewards row per week, on a gap-free week
  spine from the first redemption to the as-of week, for every reward that is active or was ever
  redeemed (weeks without redemptions are zero rows). The as-of week is still running: it keeps
  its row, flagged `is_partial_week`, with no moving average and no label, so a half week never
  drags the 4-week average down. The trend compares the latest 4-week moving
  average with the 4 weeks before it; thresholds are vars. A trend needs 8 observed weeks and
  `trend_min_redemptions` redemptions in them, else it is `flat`. The label compares whole
  counts scaled by the threshold in basis points, never a quotient: a quotient in floating point
  puts exactly -10 % at -0.09999999999999998.
-#}
{%- set rising_bp = (var('trend_rising_threshold') * 10000) | round | int -%}
{%- set falling_bp = (var('trend_falling_threshold') * 10000) | round | int -%}
with redemptions as (
    select reward_uuid, item_name as reward_title, contact_uuid, points_spent,
        {{ week_start('redemption_date') }} as week_start
    from {{ ref('fct_redemptions') }}
    where redemption_kind = 'reward' and redemption_date <= {{ as_of_date() }}
),

bounds as (
    select min(week_start) as first_week,
        {{ week_start(as_of_date()) }} as last_week
    from redemptions
),

weeks as (
    select {{ add_days('bounds.first_week', 'series.n * 7') }} as week_start
    from bounds
    cross join ({{ integer_series(10000) }}) as series
    where {{ add_days('bounds.first_week', 'series.n * 7') }} <= bounds.last_week
),

rewards as (
    select reward_uuid, reward_title
    from {{ ref('dim_rewards') }}
    where is_active or reward_uuid in (select reward_uuid from redemptions)
    union all
    select cast(null as {{ dbt.type_string() }}), 'All rewards'
),

per_reward_week as (
    select reward_uuid, week_start, count(*) as redemptions, sum(points_spent) as points_spent,
        count(distinct contact_uuid) as unique_redeemers
    from redemptions
    group by reward_uuid, week_start
    union all
    select cast(null as {{ dbt.type_string() }}), week_start, count(*), sum(points_spent),
        count(distinct contact_uuid)
    from redemptions
    group by week_start
),

filled as (
    select
        rewards.reward_uuid,
        rewards.reward_title,
        rewards.reward_uuid is null as is_all_rewards,
        weeks.week_start,
        weeks.week_start = {{ week_start(as_of_date()) }} as is_partial_week,
        coalesce(per_reward_week.redemptions, 0) as redemptions,
        coalesce(per_reward_week.points_spent, 0) as points_spent,
        coalesce(per_reward_week.unique_redeemers, 0) as unique_redeemers
    from rewards
    cross join weeks
    left join per_reward_week
        on per_reward_week.week_start = weeks.week_start
        and coalesce(per_reward_week.reward_uuid, '') = coalesce(rewards.reward_uuid, '')
),

windows as (
    select
        filled.*,
        sum(case when is_all_rewards then redemptions else 0 end) over (partition by week_start)
            as all_redemptions,
        sum(redemptions) over (
            partition by reward_uuid order by week_start rows between 3 preceding and current row
        ) as redemptions_4w,
        sum(redemptions) over (
            partition by reward_uuid order by week_start rows between 7 preceding and 4 preceding
        ) as previous_redemptions_4w,
        sum(redemptions) over (
            partition by reward_uuid order by week_start rows between 7 preceding and current row
        ) as redemptions_8w,
        row_number() over (partition by reward_uuid order by week_start) as weeks_observed
    from filled
)

select
    {{ dbt.concat(["coalesce(reward_uuid, 'all')", "'|'",
                   'cast(week_start as ' ~ dbt.type_string() ~ ')']) }} as trend_key,
    reward_uuid,
    reward_title,
    is_all_rewards,
    week_start,
    is_partial_week,
    redemptions,
    points_spent,
    unique_redeemers,
    case when all_redemptions > 0
        then cast(redemptions as {{ type_double() }}) / all_redemptions end
        as share_of_all_redemptions,
    case when not is_partial_week
        then cast(redemptions_4w as {{ type_double() }}) / 4 end as moving_avg_4w,
    case when not is_partial_week
        then cast(coalesce(previous_redemptions_4w, 0) as {{ type_double() }}) / 4
    end as previous_moving_avg_4w,
    case when not is_partial_week and previous_redemptions_4w > 0
        then cast(redemptions_4w as {{ type_double() }}) / previous_redemptions_4w - 1
    end as change_vs_previous_4w,
    case
        when is_partial_week then null
        when weeks_observed < 8 or redemptions_8w < {{ var('trend_min_redemptions') }} then 'flat'
        when coalesce(previous_redemptions_4w, 0) = 0 then 'rising'
        when 10000 * redemptions_4w >= ({{ 10000 + rising_bp }}) * previous_redemptions_4w then 'rising'
        when 10000 * redemptions_4w <= ({{ 10000 + falling_bp }}) * previous_redemptions_4w then 'falling'
        else 'flat'
    end as trend_label
from windows
