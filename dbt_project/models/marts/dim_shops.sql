select
    shop_uuid,
    shop_id,
    shop_name,
    shop_type,
    shop_reference
from {{ ref('stg_piggy__shops') }}
