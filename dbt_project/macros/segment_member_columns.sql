{#-
  The columns every segment starts with, in this order: what exports and CRM pushes rely on
  (one row per contact, the fields a marketer merges into an email), then the consent and
  deletion flags the export checks before anything leaves (it sends them to nobody). Each
  segment adds its own reason columns after them. The email is `email`, or `email_sha256`
  under `email_in_models: sha256` (see email_in_models.sql).
-#}
{% macro segment_member_columns() -%}
    contact_uuid,
    {{ segment_email('email') }},
    firstname,
    lastname,
    credit_balance,
    tier_name,
    points_expiring_30d,
    next_expiry_date,
    has_marketing_consent,
    is_deleted
{%- endmacro %}
