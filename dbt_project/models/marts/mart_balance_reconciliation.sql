{#-
  Each current contact's points balance as the API reports it against the sum of its ledger
  (API movements only; estimated expiry is ours, not Piggy's). Any drift means a missed or
  duplicated transaction: `assert_balances_reconcile` fails and names the contact.
-#}
with ledger as (
    select contact_uuid, sum(credits) as ledger_credits, count(*) as ledger_movements
    from {{ ref('int_points_movements') }}
    group by contact_uuid
)

select
    contacts.contact_uuid,
    {{ model_email('contacts.email') }} as email,
    contacts.credit_balance as api_credit_balance,
    coalesce(ledger.ledger_credits, 0) as ledger_credit_balance,
    coalesce(contacts.credit_balance, 0) - coalesce(ledger.ledger_credits, 0) as drift_credits,
    coalesce(ledger.ledger_movements, 0) as ledger_movements,
    coalesce(contacts.credit_balance, 0) <> coalesce(ledger.ledger_credits, 0) as is_drifted
from {{ ref('int_contacts_current') }} as contacts
left join ledger on ledger.contact_uuid = contacts.contact_uuid
where not contacts.is_deleted
