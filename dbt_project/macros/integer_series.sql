{#-
  Integers 0 .. upper_bound - 1 from cross-joined digits, because generate_series and its
  cousins differ on every engine. Used for date and month spines, so that marts have no gaps.
-#}
{% macro integer_series(upper_bound) %}
  {%- set digits = range(10) -%}
  {%- set places = [] -%}
  {%- for power in range(((upper_bound | string) | length)) -%}
    {%- do places.append(power) -%}
  {%- endfor -%}
  select n from (
    select
      {% for power in places -%}
      d{{ power }}.digit * {{ 10 ** power }}{{ " + " if not loop.last }}
      {%- endfor %} as n
    from
      {% for power in places -%}
      (
        {% for digit in digits -%}
        select {{ digit }} as digit{{ " union all " if not loop.last }}
        {%- endfor %}
      ) as d{{ power }}{{ " cross join " if not loop.last }}
      {% endfor %}
  ) as series
  where n < {{ upper_bound }}
{% endmacro %}
