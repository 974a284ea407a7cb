-- Airflow: make_dwh() was `pass`: the snowflake core was planned, never built. Here the DWH core
-- is the Data Vault declared under `vault:` in strata.yaml, which Strata loads continuously: after
-- each landed batch, every hub, link and satellite takes the raw messages it has not read yet.
-- This task, after both staging loads of day D, holds global_metrics back until the vault agrees
-- with the typed staging of D (checks/vault_covers_the_day.sql). If the vault is still catching
-- up, the check fails and the task's retry, retry_delay later, finds it complete.
select count(*) as operations_of_the_day
from {{ ref('hub_transaction') }} h
where exists (select 1 from stg.transactions t
              where t.operation_id = h.operation_id
                and t.transaction_dt >= {{ interval_start }} and t.transaction_dt < {{ interval_end }})
