{#- Fails for rows whose value lies outside [min_value, the row's own max_column]. -#}
{% test between(model, column_name, min_value, max_column) %}
select {{ column_name }}, {{ max_column }}
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_column }}
{% endtest %}
