select r.date_update, r.currency_code, r.currency_code_with, r.currency_with_div
from raw.currencies_raw c
cross join lateral jsonb_to_record(c.payload) as r(date_update timestamp, currency_code int,
    currency_code_with int, currency_with_div numeric(5, 3))
where c.business_date = date '{{ ds }}'
