-- Airflow: load_currencies() — drop business date D's partition of the typed currency rates and
-- load it again from the raw rate messages of D, in one transaction.

delete from stg.currencies
where date_update >= {{ interval_start }} and date_update < {{ interval_end }};

insert into stg.currencies (date_update, currency_code, currency_code_with, currency_with_div)
select p.date_update, p.currency_code, p.currency_code_with, p.currency_with_div
from {{ ref('currencies_raw') }} r
cross join lateral jsonb_to_record(r._payload -> 'payload') as p(
    date_update timestamp, currency_code int, currency_code_with int, currency_with_div numeric(5,3))
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }};
