-- Airflow: make_cdm() — the day's metrics per transaction currency (scenario 001 §5.4).
-- Strata materializes it `incremental` on date_update (strata.yaml): it deletes business date D's
-- rows and inserts these in one transaction, then checks that (date_update, currency_from) is
-- unique and that every currency had a rate to USD; any failure rolls everything back, so the
-- partition stays as it was. (The seed's extra "WHERE pk NOT IN target" guard is that check.)
--
-- A transaction counts when one of its messages says `done`, it happened on D, and it comes from
-- a real account (test accounts are negative). Each operation counts once; amounts are converted
-- to USD (420) with D's rate, and stay in the currency's minor unit.

with tx as (            -- one row per completed, non-test operation of D
    select operation_id,
           min(account_number_from) as account_number_from,
           min(currency_code)       as currency_code,
           min(amount)              as amount
    from stg.transactions
    where transaction_dt >= {{ interval_start }} and transaction_dt < {{ interval_end }}
      and status = 'done'
      and account_number_from >= 0
    group by operation_id
),
usd as (                -- the latest rate of D from each currency to USD
    select currency_code, currency_with_div as rate
    from (select c.*, row_number() over (partition by currency_code order by date_update desc) as rn
          from stg.currencies c
          where date_update >= {{ interval_start }} and date_update < {{ interval_end }}
            and currency_code_with = {{ var('usd_code') }}) r
    where rn = 1
)
select cast({{ interval_start }} as date)                                                    as date_update,
       tx.currency_code                                                                     as currency_from,
       cast(round(sum(tx.amount * case when tx.currency_code = {{ var('usd_code') }} then 1 else usd.rate end), 2)
            as numeric(18,2))                                                               as amount_total,
       cast(count(*) as int)                                                                as cnt_transactions,
       cast(round(count(*)::numeric / count(distinct tx.account_number_from), 2) as numeric(18,2))
                                                                                            as avg_transactions_per_account,
       cast(count(distinct tx.account_number_from) as int)                                  as cnt_accounts_make_transactions
from tx
left join usd on usd.currency_code = tx.currency_code
group by tx.currency_code
