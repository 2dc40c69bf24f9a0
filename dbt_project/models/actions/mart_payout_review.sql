{#-
  One row per cashback request with the decision (approve / review / reject) and its reasons.
  Rules live in vars, with defaults here so that a project without them still decides:
  reject what must never be paid (unknown or deleted contact, returned order, fraud flag, bad
  amount or currency, a second request for the same order); send to a person what might be fine
  (not a high-value customer, over the per-contact or daily cap, a wallet balance out of range);
  approve the rest. Caps count payments by when they are paid, never by the `requested_at` a file
  claims: what the ledger paid in the contact's window (or today, for the daily cap), plus every
  request still to pay that comes before this one in request order, since an approval is paid
  now. A request dated in the future (beyond 5 minutes of clock skew) is rejected. Every row
  carries the thresholds it was decided by, so `payouts approve --apply` applies the same rules
  again, with what is paid by then, just before it pays.
-#}
{%- set min_ltv_decile = var('payout_min_ltv_decile', 8) -%}
{%- set min_spend_cents = var('payout_min_spend_cents', 50000) -%}
{%- set contact_cap_cents = var('payout_contact_cap_cents', 5000) -%}
{%- set contact_window_days = var('payout_contact_window_days', 30) -%}
{%- set daily_cap_cents = var('payout_daily_cap_cents', 100000) -%}
{%- set max_balance_cents = var('payout_max_prepaid_balance_cents', 100000) -%}
{%- set currency = var('account_currency', 'EUR') -%}

with requests as (
    select
        *,
        row_number() over (
            partition by order_reference order by requested_at, request_id
        ) as order_request_rank
    from {{ ref('stg_actions__cashback_requests') }}
),

payments as (
    select * from {{ ref('stg_actions__payout_ledger') }}
),

contacts as (
    select
        contact_uuid,
        email,
        is_deleted,
        credit_balance,
        prepaid_balance_cents,
        ltv_decile,
        lifetime_purchase_value_cents
    from {{ ref('dim_contacts') }}
),

checked as (
    select
        requests.*,
        contacts.email,
        contacts.ltv_decile,
        contacts.lifetime_purchase_value_cents,
        contacts.prepaid_balance_cents,
        contacts.credit_balance,
        contacts.contact_uuid is null as is_unknown_contact,
        coalesce(contacts.is_deleted, false) as is_deleted_contact,
        coalesce(requests.amount_cents, 0) <= 0 as is_bad_amount,
        coalesce(requests.currency, '') <> upper('{{ currency }}') as is_wrong_currency,
        requests.order_reference is not null and requests.order_request_rank > 1 as is_repeat_order,
        requests.requested_at
            > {{ dbt.dateadd('minute', 5, dbt.current_timestamp()) }} as is_future_request,
        payments.request_id is not null as is_paid
    from requests
    left join contacts on contacts.contact_uuid = requests.contact_uuid
    left join payments on payments.request_id = requests.request_id
),

rejectable as (
    select
        *,
        (is_unknown_contact or is_deleted_contact or is_returned or is_fraud_flagged
            or is_bad_amount or is_wrong_currency or is_repeat_order or is_future_request)
            as is_rejected
    from checked
),

queued as (
    select * from rejectable where not is_rejected and not is_paid
),

contact_paid as (
    select contact_uuid, sum(amount_cents) as paid_cents
    from payments
    where paid_at > {{ dbt.dateadd('day', -contact_window_days, dbt.current_timestamp()) }}
    group by contact_uuid
),

day_paid as (
    select coalesce(sum(amount_cents), 0) as paid_cents
    from payments
    where {{ piggy_elt.utc_date('paid_at') }} = {{ piggy_elt.utc_date(dbt.current_timestamp()) }}
),

queue_totals as (
    select
        this_request.request_id,
        sum(case when earlier.contact_uuid = this_request.contact_uuid
            then earlier.amount_cents else 0 end) as contact_queued_cents,
        sum(earlier.amount_cents) as day_queued_cents
    from queued as this_request
    inner join queued as earlier
        on earlier.requested_at < this_request.requested_at
        or (earlier.requested_at = this_request.requested_at
            and earlier.request_id <= this_request.request_id)
    group by this_request.request_id
),

totals as (
    select
        queue_totals.request_id,
        coalesce(contact_paid.paid_cents, 0) + queue_totals.contact_queued_cents
            as contact_window_cents,
        day_paid.paid_cents + queue_totals.day_queued_cents as day_running_cents
    from queue_totals
    inner join queued on queued.request_id = queue_totals.request_id
    left join contact_paid on contact_paid.contact_uuid = queued.contact_uuid
    cross join day_paid
),

flagged as (
    select
        rejectable.*,
        coalesce(totals.contact_window_cents, 0) as contact_window_cents,
        coalesce(totals.day_running_cents, 0) as day_running_cents,
        not (coalesce(rejectable.ltv_decile, 0) >= {{ min_ltv_decile }}
            or coalesce(rejectable.lifetime_purchase_value_cents, 0) >= {{ min_spend_cents }})
            as is_not_high_value,
        coalesce(totals.contact_window_cents, 0) > {{ contact_cap_cents }} as is_over_contact_cap,
        coalesce(totals.day_running_cents, 0) > {{ daily_cap_cents }} as is_over_daily_cap,
        (coalesce(rejectable.prepaid_balance_cents, 0) < 0
            or coalesce(rejectable.prepaid_balance_cents, 0) > {{ max_balance_cents }}
            or coalesce(rejectable.credit_balance, 0) < 0) as is_balance_out_of_range
    from rejectable
    left join totals on totals.request_id = rejectable.request_id
)

select
    request_id,
    contact_uuid,
    email,
    amount_cents,
    currency,
    order_reference,
    requested_at,
    case
        when is_rejected then 'reject'
        when is_not_high_value or is_over_contact_cap or is_over_daily_cap
            or is_balance_out_of_range then 'review'
        else 'approve'
    end as decision,
    rtrim({{ dbt.concat([
        "case when is_unknown_contact then 'unknown_contact;' else '' end",
        "case when is_deleted_contact then 'deleted_contact;' else '' end",
        "case when is_returned then 'order_returned;' else '' end",
        "case when is_fraud_flagged then 'fraud_flagged;' else '' end",
        "case when is_bad_amount then 'invalid_amount;' else '' end",
        "case when is_wrong_currency then 'wrong_currency;' else '' end",
        "case when is_repeat_order then 'repeat_order;' else '' end",
        "case when is_future_request then 'requested_in_future;' else '' end",
        "case when not is_rejected and is_not_high_value then 'not_high_value;' else '' end",
        "case when not is_rejected and is_over_contact_cap then 'over_contact_cap;' else '' end",
        "case when not is_rejected and is_over_daily_cap then 'over_daily_cap;' else '' end",
        "case when not is_rejected and is_balance_out_of_range then 'balance_out_of_range;' else '' end",
    ]) }}, ';') as reasons,
    ltv_decile,
    lifetime_purchase_value_cents,
    prepaid_balance_cents,
    contact_window_cents,
    day_running_cents,
    {{ contact_cap_cents }} as contact_cap_cents,
    {{ contact_window_days }} as contact_window_days,
    {{ daily_cap_cents }} as daily_cap_cents,
    {{ max_balance_cents }} as max_prepaid_balance_cents
from flagged
