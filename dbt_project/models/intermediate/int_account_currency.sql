{#- One row: how to turn minor units of the account currency into reporting-currency units. -#}
with currencies as (
    select currency_code, minor_unit_exponent
    from {{ ref('iso_4217_currencies') }}
),

rates as (
    select from_currency, to_currency, rate
    from {{ ref('exchange_rates') }}
)

select
    currencies.currency_code as account_currency,
    currencies.minor_unit_exponent,
    rates.to_currency as reporting_currency,
    rates.rate as rate_to_reporting,
    rates.rate / power(10, currencies.minor_unit_exponent) as reporting_per_minor_unit
from currencies
inner join rates
    on rates.from_currency = currencies.currency_code
    and rates.to_currency = '{{ var("reporting_currency") }}'
where currencies.currency_code = '{{ account_currency() }}'
