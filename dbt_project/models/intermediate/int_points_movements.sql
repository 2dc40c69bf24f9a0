{#-
  Every points movement the API reports, classified. A reversal is a new credit reception with
  negated credits that names the reception it undoes; the undone reception stays an `earn` but is
  flagged, so purchase value can leave it out.
-#}
with transactions as (
    select * from {{ ref('stg_piggy__loyalty_transactions') }}
),

reversed as (
    select distinct reversed_uuid
    from transactions
    where reversed_uuid is not null
)

select
    transactions.loyalty_transaction_uuid,
    transactions.contact_uuid,
    transactions.shop_uuid,
    transactions.reward_uuid,
    transactions.reward_title,
    transactions.transaction_type,
    transactions.channel,
    case
        when transactions.transaction_type <> 'credit_reception' then 'spend'
        when transactions.channel = 'REVERSAL' or transactions.reversed_uuid is not null then 'reversal'
        when transactions.credits < 0 then 'adjustment'
        else 'earn'
    end as movement_type,
    transactions.credits,
    transactions.purchase_amount_cents,
    reversed.reversed_uuid is not null as is_reversed,
    transactions.reversed_uuid,
    transactions.created_at,
    {{ utc_date('transactions.created_at') }} as movement_date
from transactions
left join reversed
    on reversed.reversed_uuid = transactions.loyalty_transaction_uuid
