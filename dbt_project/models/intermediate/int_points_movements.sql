{#-
  Every points movement the API reports, classified. A reversal is a new credit reception with
  negated credits that names the reception it undoes; the undone reception stays an `earn` but is
  flagged, so purchase value can leave it out. The purchase amount becomes integer minor units of
  the account currency here, the one place that knows the currency.

  `is_member_initiated` separates what the member did from what the merchant did to the account:
  a reward reception and an earn that carries a purchase or came through a member-facing channel
  are the member's; reversals, negative adjustments and points given in the business dashboard
  without a purchase (bonuses, tier boosts) are merchant-side.
-#}
with transactions as (
    select * from {{ ref('stg_piggy__loyalty_transactions') }}
),

reversed as (
    select distinct reversed_uuid
    from transactions
    where reversed_uuid is not null
),

classified as (
    select
        transactions.*,
        case
            when transactions.transaction_type <> 'credit_reception' then 'spend'
            when transactions.channel = 'REVERSAL' or transactions.reversed_uuid is not null then 'reversal'
            when transactions.credits < 0 then 'adjustment'
            else 'earn'
        end as movement_type,
        reversed.reversed_uuid is not null as is_reversed
    from transactions
    left join reversed
        on reversed.reversed_uuid = transactions.loyalty_transaction_uuid
)

select
    classified.loyalty_transaction_uuid,
    classified.contact_uuid,
    classified.shop_uuid,
    classified.reward_uuid,
    classified.reward_title,
    classified.transaction_type,
    classified.channel,
    classified.movement_type,
    case
        when classified.movement_type = 'spend' then true
        when classified.movement_type = 'earn'
            then classified.purchase_amount is not null
                or coalesce(classified.channel, '') <> 'BUSINESS_DASHBOARD'
        else false
    end as is_member_initiated,
    classified.credits,
    cast(round(classified.purchase_amount * power(10, currency.minor_unit_exponent))
        as {{ dbt.type_bigint() }}) as purchase_amount_cents,
    classified.is_reversed,
    classified.reversed_uuid,
    classified.created_at,
    {{ utc_date('classified.created_at') }} as movement_date
from classified
left join {{ ref('int_account_currency') }} as currency on 1 = 1
