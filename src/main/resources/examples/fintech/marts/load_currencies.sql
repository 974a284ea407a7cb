-- Airflow: load_currencies() — drop business date D's partition of the typed currency rates and
-- load it again from the raw rate messages of D, in one transaction.

delete from stg.currencies
where date_update >= {{ interval_start }} and date_update < {{ interval_end }};

insert into stg.currencies (date_update, currency_code, currency_code_with, currency_with_div)
select (p ->> 'date_update')::timestamp,
       (p ->> 'currency_code')::int,
       (p ->> 'currency_code_with')::int,
       (p ->> 'currency_with_div')::numeric(5,3)
from {{ ref('currencies_raw') }} r
cross join lateral (select r._payload -> 'payload' as p) payload
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }};
