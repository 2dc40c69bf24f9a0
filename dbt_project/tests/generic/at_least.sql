{#- Fails for rows whose value is below `min_value` (a balance that must never go negative). -#}
{% test at_least(model, column_name, min_value) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }}
{% endtest %}
