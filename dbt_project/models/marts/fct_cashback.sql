select
    prepaid.prepaid_transaction_uuid,
    prepaid.contact_uuid,
    prepaid.shop_uuid,
    case when prepaid.amount_cents >= 0 then 'credit' else 'debit' end as direction,
    prepaid.amount_cents,
    prepaid.balance_after_cents,
    currency.account_currency,
    prepaid.amount_cents * currency.reporting_per_minor_unit as amount_reporting,
    currency.reporting_currency,
    prepaid.created_at,
    {{ utc_date('prepaid.created_at') }} as transaction_date
from {{ ref('stg_piggy__prepaid_transactions') }} as prepaid
cross join {{ ref('int_account_currency') }} as currency
