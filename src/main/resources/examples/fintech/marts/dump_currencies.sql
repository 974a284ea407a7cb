-- Airflow: dump_currencies() exported day D's rates to a file for Vertica. Here it is the
-- contract day D's raw rate messages must meet before load_currencies runs: see its check
-- (checks/raw_currencies_valid.sql) and dump_transactions.sql.
select count(*) as messages_of_the_day
from {{ ref('currencies_raw') }}
where _event_time >= {{ interval_start }} and _event_time < {{ interval_end }}
