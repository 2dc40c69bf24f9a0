{#-
  Fails when any current contact's API points balance differs from the sum of its ledger; each
  failing row names the contact and the size of the drift (`piggy-elt transform` prints them).
-#}
select
    contact_uuid,
    email,
    api_credit_balance,
    ledger_credit_balance,
    drift_credits
from {{ ref('mart_balance_reconciliation') }}
where is_drifted
