-- The expected global_metrics, computed from setup.sql's definition of the generated transactions
-- (not from the raw payloads, the staging tables or any scheduled task): operation g of day d is
-- done when g % 10 < 8, comes from a test account when g % 100 = 0, and has the currency, account
-- and amount below; each operation is sent once. Rates are the generated ones, read from raw.
with q as (
    select d::date as day,
           (array[420, 420, 420, 420, 410, 430, 440, 450, 460, 470])[1 + g % 10] as currency,
           (g::bigint * 7919) % 5000 as account,
           (g::bigint * 31) % 100000 as amount
    from generate_series(timestamp '2022-10-01', timestamp '2022-10-31', interval '1 day') d,
         generate_series(0, ${PER_DAY} - 1) g
    where g % 10 < 8 and g % 100 <> 0
),
r as (
    select (payload ->> 'date_update')::timestamp::date as day, (payload ->> 'currency_code')::int as currency,
           (payload ->> 'currency_with_div')::numeric(5, 3) as rate
    from raw.currencies_raw
    where (payload ->> 'currency_code_with')::int = 420
)
select q.day as date_update, q.currency as currency_from,
       round(sum(q.amount * case when q.currency = 420 then 1 else r.rate end), 2) as amount_total,
       count(*) as cnt_transactions,
       round(count(*)::numeric / count(distinct q.account), 2) as avg_transactions_per_account,
       count(distinct q.account) as cnt_accounts_make_transactions
from q left join r on r.day = q.day and r.currency = q.currency
group by q.day, q.currency
