{#-
  Source freshness from dlt's own bookkeeping (the `loaded_at_query` of the raw tables): when the
  last completed dlt load (`_dlt_loads`, status 0) that wrote a row to the table finished. Every
  raw row carries the load that wrote it in `_dlt_load_id`, so this is the same rule as
  `mart_resource_freshness`, in plain SQL every engine runs. `companions` are tables whose load
  ids date this one too (contacts is scd2: an unchanged contact keeps its old row, while its
  subscriptions are rewritten by every sweep). A table dlt has not created yet (no row ever
  arrived) reads as never loaded. `_dlt_loads` itself: the last completed load of any table.
-#}
{% macro dlt_loaded_at(companions=[]) %}
  {%- set loads = this.incorporate(path={'identifier': '_dlt_loads'}) -%}
  {%- if this.identifier == '_dlt_loads' -%}
    select max(inserted_at) from {{ loads }} where status = 0
  {%- else -%}
    {%- set written = [] -%}
    {%- for name in [this.identifier] + companions -%}
      {%- set relation = adapter.get_relation(
            database=this.database, schema=this.schema, identifier=name) -%}
      {%- if relation is not none -%}
        {%- do written.append('select _dlt_load_id from ' ~ relation) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if written -%}
    select max(loads.inserted_at) from {{ loads }} as loads
    where loads.status = 0 and loads.load_id in ({{ written | join(' union all ') }})
    {%- else -%}
    select cast(null as {{ piggy_elt.type_timestamp_tz() }})
    {%- endif -%}
  {%- endif -%}
{% endmacro %}
