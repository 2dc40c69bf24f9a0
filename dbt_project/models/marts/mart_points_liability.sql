{#-
  The points liability day by day (UTC), from the first points movement to the as-of day.
  Outstanding points = API ledger balance minus the estimated breakage so far: FIFO expiry minus
  what later removals proved had not expired (`points_expiry_reversed`). "Expiring in
  the next N days" counts the lots whose estimated expiry falls in (day, day + N]: for past days
  that is what did expire, for the as-of day the projection assuming no further spending.
-#}
with movements as (
    select movement_date, credits
    from {{ ref('int_points_movements') }}
    where movement_date <= {{ as_of_date() }}
),

bounds as (
    select min(movement_date) as first_day from movements
),

days as (
    select {{ add_days('bounds.first_day', 'series.n') }} as liability_date
    from bounds
    cross join ({{ integer_series(20000) }}) as series
    where {{ add_days('bounds.first_day', 'series.n') }} <= {{ add_days(as_of_date(), 90) }}
),

daily_movements as (
    select
        movement_date,
        sum(case when credits > 0 then credits else 0 end) as points_earned,
        sum(case when credits < 0 then -credits else 0 end) as points_removed
    from movements
    group by movement_date
),

daily_expiry as (
    select expiry_date, sum(expiring_credits) as points_expiring
    from {{ ref('int_points_expiry_lots') }}
    group by expiry_date
),

daily_reversals as (
    select event_date, sum(breakage_reversed_credits) as points_expiry_reversed
    from {{ ref('int_points_fifo') }}
    where event_kind = 'removal'
    group by event_date
),

filled as (
    select
        days.liability_date,
        coalesce(daily_movements.points_earned, 0) as points_earned,
        coalesce(daily_movements.points_removed, 0) as points_removed,
        coalesce(daily_expiry.points_expiring, 0) as points_expiring,
        coalesce(daily_reversals.points_expiry_reversed, 0) as points_expiry_reversed
    from days
    left join daily_movements on daily_movements.movement_date = days.liability_date
    left join daily_expiry on daily_expiry.expiry_date = days.liability_date
    left join daily_reversals on daily_reversals.event_date = days.liability_date
),

running as (
    select
        liability_date,
        points_earned,
        points_removed,
        points_expiring as points_expired,
        points_expiry_reversed,
        sum(points_earned) over (order by liability_date rows between unbounded preceding and current row)
            as points_earned_cumulative,
        sum(points_earned - points_removed) over (
            order by liability_date rows between unbounded preceding and current row
        ) as ledger_points_balance,
        sum(points_expiring - points_expiry_reversed) over (
            order by liability_date rows between unbounded preceding and current row
        ) as breakage_points_cumulative,
        sum(points_expiry_reversed) over (
            order by liability_date rows between unbounded preceding and current row
        ) as breakage_reversed_cumulative,
        {% for horizon in [14, 30, 90] -%}
        sum(points_expiring) over (
            order by liability_date rows between 1 following and {{ horizon }} following
        ) as points_expiring_next_{{ horizon }}d{{ "," if not loop.last }}
        {% endfor %}
    from filled
)

select
    running.liability_date,
    running.points_earned,
    running.points_removed,
    running.points_expired,
    running.points_expiry_reversed,
    running.ledger_points_balance,
    running.ledger_points_balance - running.breakage_points_cumulative as outstanding_points,
    (running.ledger_points_balance - running.breakage_points_cumulative)
        * {{ var('point_value_cents') }} as outstanding_value_cents,
    (running.ledger_points_balance - running.breakage_points_cumulative)
        * {{ var('point_value_cents') }} * currency.reporting_per_minor_unit as outstanding_value_reporting,
    currency.reporting_currency,
    coalesce(running.points_expiring_next_14d, 0) as points_expiring_next_14d,
    coalesce(running.points_expiring_next_30d, 0) as points_expiring_next_30d,
    coalesce(running.points_expiring_next_90d, 0) as points_expiring_next_90d,
    running.breakage_points_cumulative,
    running.breakage_reversed_cumulative,
    case when running.points_earned_cumulative > 0
        then cast(running.breakage_points_cumulative as {{ type_double() }})
            / running.points_earned_cumulative end as breakage_rate
from running
cross join {{ ref('int_account_currency') }} as currency
where running.liability_date <= {{ as_of_date() }}
