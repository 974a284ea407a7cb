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

-- Typed staging of currency rates; the partition of D is the rows with date_update on D.
create table if not exists stg.currencies (
    date_update        timestamp    not null,
    currency_code      int          not null,
    currency_code_with int          not null,
    currency_with_div  numeric(5,3) not null
);

-- Indexes by business date, for the daily loads: on the typed tables, and on Strata's raw landing
-- tables (their _event_time is the business timestamp). Created once: CREATE INDEX IF NOT EXISTS
-- would lock each table every day, even when the index exists, and wait for the writers.
do $$
begin
    if to_regclass('stg.transactions_by_day') is null then
        create index transactions_by_day on stg.transactions (transaction_dt);
    end if;
    if to_regclass('stg.currencies_by_day') is null then
        create index currencies_by_day on stg.currencies (date_update);
    end if;
    if to_regclass('stg.transactions_raw_by_event_time') is null then
        create index transactions_raw_by_event_time on {{ ref('transactions_raw') }} (_event_time);
    end if;
    if to_regclass('stg.currencies_raw_by_event_time') is null then
        create index currencies_raw_by_event_time on {{ ref('currencies_raw') }} (_event_time);
    end if;
end $$;
