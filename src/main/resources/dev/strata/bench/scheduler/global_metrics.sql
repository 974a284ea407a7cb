with tx as (
    select operation_id, min(account_number_from) as account_number_from, min(currency_code) as currency_code,
           min(amount) as amount
    from {{ ref('transactions') }}
    where transaction_dt >= {{ interval_start }} and transaction_dt < {{ interval_end }}
      and status = 'done' and account_number_from >= 0
    group by operation_id
),
usd as (
    select currency_code, currency_with_div as rate
    from (select c.*, row_number() over (partition by currency_code order by date_update desc) as rn
          from {{ ref('currencies') }} c
          where date_update >= {{ interval_start }} and date_update < {{ interval_end }}
            and currency_code_with = 420) r
    where rn = 1
)
select cast(date '{{ ds }}' as date) as date_update,
       tx.currency_code as currency_from,
       round(sum(tx.amount * case when tx.currency_code = 420 then 1 else usd.rate end), 2) as amount_total,
       count(*) as cnt_transactions,
       round(count(*)::numeric / count(distinct tx.account_number_from), 2) as avg_transactions_per_account,
       count(distinct tx.account_number_from) as cnt_accounts_make_transactions
from tx
left join usd on usd.currency_code = tx.currency_code
group by tx.currency_code
