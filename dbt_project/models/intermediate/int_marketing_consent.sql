{#- Marketing consent: `is_subscribed` on the subscription type named by `marketing_subscription_name`. -#}
select
    contact_uuid,
    max(case when is_subscribed then 1 else 0 end) = 1 as has_marketing_consent
from {{ ref('stg_piggy__contact_subscriptions') }}
where subscription_type_name = '{{ var("marketing_subscription_name") }}'
group by contact_uuid
