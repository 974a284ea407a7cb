-- Airflow: load_transactions() — drop business date D's partition of the typed staging table and
-- load it again from the raw messages of D, the payload split into columns. Both statements run
-- in the task's one transaction: readers see the old partition or the new one, never a gap.
-- {{ interval_start }} / {{ interval_end }} bound business date D (the run's schedule date minus
-- one day: `offset: -1d` in strata.yaml).

delete from stg.transactions
where transaction_dt >= {{ interval_start }} and transaction_dt < {{ interval_end }};

insert into stg.transactions (operation_id, account_number_from, account_number_to, currency_code, country,
                              status, transaction_type, amount, transaction_dt, sent_dttm)
select p.operation_id, p.account_number_from, p.account_number_to, p.currency_code, p.country,
       p.status, p.transaction_type, p.amount, p.transaction_dt, (r._payload ->> 'sent_dttm')::timestamp
from {{ ref('transactions_raw') }} r
cross join lateral jsonb_to_record(r._payload -> 'payload') as p(
    operation_id varchar(60), account_number_from int, account_number_to int, currency_code int, country varchar(30),
    status varchar(30), transaction_type varchar(30), amount int, transaction_dt timestamp)
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }};
