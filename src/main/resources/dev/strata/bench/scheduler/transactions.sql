select r.operation_id, r.account_number_from, r.account_number_to, r.currency_code, r.country, r.status,
       r.transaction_type, r.amount, r.transaction_dt, t.sent_dttm
from raw.transactions_raw t
cross join lateral jsonb_to_record(t.payload) as r(operation_id text, account_number_from int,
    account_number_to int, currency_code int, country text, status text, transaction_type text, amount int,
    transaction_dt timestamp)
where t.business_date = date '{{ ds }}'
