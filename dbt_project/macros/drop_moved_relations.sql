{#-
  After a build (on-run-end): staging and intermediate models used to be built in the analytics
  schema. A warehouse built before they moved (generate_schema_name) still holds them there,
  where a BI user would keep seeing them and an erasure's rebuild would no longer reach them (an
  old int_contacts_current table keeps emails): drop each one whose model now lives elsewhere.
  Only relations named after this project's own models, in the analytics schema, are touched.
-#}
{% macro drop_moved_relations() %}
  {%- if execute and flags.WHICH in ('build', 'run') -%}
    {%- for node in graph.nodes.values()
          if node.resource_type == 'model' and node.package_name == project_name
          and node.schema != target.schema -%}
      {%- set stale = adapter.get_relation(
            database=node.database, schema=target.schema, identifier=node.alias) -%}
      {%- if stale is not none -%}
        {%- do log('dropping ' ~ stale ~ ': ' ~ node.name ~ ' is now built in ' ~ node.schema, info=true) -%}
        {%- do adapter.drop_relation(stale) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
{% endmacro %}
