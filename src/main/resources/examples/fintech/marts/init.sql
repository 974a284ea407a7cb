-- Airflow: init() — "create the staging tables if they do not exist".
-- Runs first in every daily run; everything here is idempotent.

create schema if not exists stg;

-- Typed staging, one row per raw transaction message (one per status change of an operation).
-- The "partition" of business date D is the rows with transaction_dt on D.
create table if not exists stg.transactions (
    operation_id        varchar(60) not null,
    account_number_from int         not null,
    account_number_to   int         not null,
    currency_code       int         not null,
    country             varchar(30) not null,
    status              varchar(30) not null,
    transaction_type    varchar(30) not null,
    amount              int         not null,
    transaction_dt      timestamp   not null,
    sent_dttm           timestamp   not null
);
create index if not exists transactions_by_day on stg.transactions (transaction_dt);

-- Typed staging of currency rates; the partition of D is the rows with date_update on D.
create table if not exists stg.currencies (
    date_update        timestamp    not null,
    currency_code      int          not null,
    currency_code_with int          not null,
    currency_with_div  numeric(5,3) not null
);
create index if not exists currencies_by_day on stg.currencies (date_update);

-- The raw tables are Strata's landing tables; the daily loads find a day's messages by their
-- event time (the business date), so index it.
create index if not exists transactions_raw_by_event_time on {{ ref('transactions_raw') }} (_event_time);
create index if not exists currencies_raw_by_event_time on {{ ref('currencies_raw') }} (_event_time);
