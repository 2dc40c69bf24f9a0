{#-
  The latest version of every contact ever seen. dlt's scd2 closes the last version of a contact
  that disappeared from a complete sweep, so "no open version" means deleted, at `valid_to`.
  A contact deleted before the first load is known only from its activity (its transactions
  stay in Piggy): it is kept too, deleted at an unknown time, so every fact finds its contact.
-#}
with versions as (
    select
        *,
        row_number() over (
            partition by contact_uuid order by valid_from desc, contact_version_key desc
        ) as recency_rank,
        count(*) over (partition by contact_uuid) as version_count
    from {{ ref('stg_piggy__contacts') }}
),

latest_versions as (
    select
        contact_uuid,
        contact_id,
        email,
        firstname,
        lastname,
        contact_status,
        birthdate,
        tier_uuid,
        tier_name,
        tier_position,
        credit_balance,
        prepaid_balance_cents,
        loyalty_total_credits_received,
        created_at,
        updated_at,
        version_count,
        not is_current_version as is_deleted,
        case when not is_current_version then valid_to end as deleted_at,
        false as is_known_from_activity_only
    from versions
    where recency_rank = 1
),

activity_contacts as (
    select distinct contact_uuid from {{ ref('int_contact_activity') }}
),

ledger_emails as (
    select contact_uuid, max(contact_email) as email
    from {{ ref('stg_piggy__loyalty_transactions') }}
    group by contact_uuid
),

activity_only as (
    select
        activity_contacts.contact_uuid,
        cast(null as {{ dbt.type_bigint() }}) as contact_id,
        ledger_emails.email,
        cast(null as {{ dbt.type_string() }}) as firstname,
        cast(null as {{ dbt.type_string() }}) as lastname,
        cast(null as {{ dbt.type_string() }}) as contact_status,
        cast(null as date) as birthdate,
        cast(null as {{ dbt.type_string() }}) as tier_uuid,
        cast(null as {{ dbt.type_string() }}) as tier_name,
        cast(null as {{ dbt.type_bigint() }}) as tier_position,
        cast(null as {{ dbt.type_bigint() }}) as credit_balance,
        cast(null as {{ dbt.type_bigint() }}) as prepaid_balance_cents,
        cast(null as {{ dbt.type_bigint() }}) as loyalty_total_credits_received,
        cast(null as {{ type_timestamp_tz() }}) as created_at,
        cast(null as {{ type_timestamp_tz() }}) as updated_at,
        cast(0 as {{ dbt.type_bigint() }}) as version_count,
        true as is_deleted,
        cast(null as {{ type_timestamp_tz() }}) as deleted_at,
        true as is_known_from_activity_only
    from activity_contacts
    left join latest_versions on latest_versions.contact_uuid = activity_contacts.contact_uuid
    left join ledger_emails on ledger_emails.contact_uuid = activity_contacts.contact_uuid
    where latest_versions.contact_uuid is null
)

select * from latest_versions
union all
select * from activity_only
