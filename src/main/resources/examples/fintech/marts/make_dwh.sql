-- Airflow: make_dwh() was `pass`: the snowflake core was planned, never built. Here the DWH core
-- is the Data Vault declared under `vault:` in strata.yaml. Its hubs, links and satellites are
-- loaded by Strata in each daily run, as tasks of their own, from the raw messages they have not
-- read yet. This task comes after them (its check reads them) and after both loads, and holds
-- global_metrics back until the vault agrees with the typed staging of day D: see
-- checks/vault_covers_the_day.sql.
select count(*) as operations_of_the_day
from {{ ref('hub_transaction') }} h
where exists (select 1 from stg.transactions t
              where t.operation_id = h.operation_id
                and t.transaction_dt >= {{ interval_start }} and t.transaction_dt < {{ interval_end }})
