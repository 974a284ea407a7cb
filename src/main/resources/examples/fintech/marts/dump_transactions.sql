-- Airflow: dump_transactions() exported day D's rows from PostgreSQL to a file for Vertica.
-- In Strata the raw messages and the typed staging share one warehouse, so there is nothing to
-- move: this task is the contract day D's raw messages must meet before load_transactions
-- touches the staging partition. The contract is its check (strata.yaml,
-- checks/raw_transactions_valid.sql); a message that breaks it fails the day here, listed with
-- its Kafka partition and offset, instead of a cast error halfway through the load.
select count(*) as messages_of_the_day
from {{ ref('transactions_raw') }}
where _event_time >= {{ interval_start }} and _event_time < {{ interval_end }}
