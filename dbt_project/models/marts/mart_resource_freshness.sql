{#-
  Per raw resource: when dlt last completed a load that wrote to it, how recent its data is, and
  how many rows it holds. Exports refuse to run on stale resources by reading this.
  `contacts` is an scd2 table: an unchanged contact keeps its old row (and load id), so a sweep
  that changed nobody leaves no trace in it; its subscriptions are merged on every sweep, so their
  load ids date the contacts sweep too.
-#}
{%- set resources = [
    ('contacts', 'stg_piggy__contacts', 'coalesce(updated_at, created_at)', ['stg_piggy__contact_subscriptions']),
    ('contact_subscriptions', 'stg_piggy__contact_subscriptions', none, []),
    ('loyalty_transactions', 'stg_piggy__loyalty_transactions', 'created_at', []),
    ('giftcard_transactions', 'stg_piggy__giftcard_transactions', 'created_at', []),
    ('prepaid_transactions', 'stg_piggy__prepaid_transactions', 'created_at', []),
    ('vouchers', 'stg_piggy__vouchers', 'redeemed_at', []),
    ('rewards', 'stg_piggy__rewards', none, []),
    ('tiers', 'stg_piggy__tiers', none, []),
    ('perks', 'stg_piggy__perks', none, []),
    ('units', 'stg_piggy__units', none, []),
    ('loyalty_program', 'stg_piggy__loyalty_program', none, []),
    ('shops', 'stg_piggy__shops', none, []),
    ('promotions', 'stg_piggy__promotions', none, []),
    ('giftcard_programs', 'stg_piggy__giftcard_programs', none, []),
    ('giftcards', 'stg_piggy__giftcards', none, []),
    ('visits', 'stg_piggy__visits', 'created_at', []),
    ('referrals', 'stg_piggy__referrals', 'created_at', []),
    ('contact_attributes', 'stg_piggy__contact_attributes', none, []),
    ('subscription_types', 'stg_piggy__subscription_types', none, []),
    ('quarantined_records', 'stg_piggy__quarantined_records', 'quarantined_at', []),
] -%}

with completed_loads as (
    select load_id, loaded_at
    from {{ ref('stg_piggy__dlt_loads') }}
    where is_completed
),

{% for resource_name, model, watermark, companions in resources %}
{{ resource_name }}_loads as (
    select distinct load_id from (
        select load_id from {{ ref(model) }}
        {% for companion in companions -%}
        union all
        select load_id from {{ ref(companion) }}
        {% endfor %}
    ) as load_ids
),

{{ resource_name }}_stats as (
    select
        '{{ resource_name }}' as resource_name,
        (select max(completed_loads.loaded_at)
         from completed_loads
         inner join {{ resource_name }}_loads
            on {{ resource_name }}_loads.load_id = completed_loads.load_id) as last_loaded_at,
        {% if watermark -%}
        max({{ watermark }})
        {%- else -%}
        cast(null as {{ type_timestamp_tz() }})
        {%- endif %} as data_watermark,
        count(*) as row_count
    from {{ ref(model) }}
){{ "," if not loop.last }}
{% endfor %}

{% for resource_name, model, watermark, companions in resources -%}
select * from {{ resource_name }}_stats
{% if not loop.last %}union all
{% endif -%}
{%- endfor %}
