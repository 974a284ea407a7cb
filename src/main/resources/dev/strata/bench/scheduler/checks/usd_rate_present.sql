-- Currencies of the day's transactions that have no rate to USD (420) that day: any row fails the day.
select distinct t.currency_code from {{ ref('transactions') }} t
where t.transaction_dt >= {{ interval_start }} and t.transaction_dt < {{ interval_end }}
  and t.currency_code <> 420
  and not exists (select 1 from {{ ref('currencies') }} c where c.currency_code = t.currency_code
                  and c.currency_code_with = 420
                  and c.date_update >= {{ interval_start }} and c.date_update < {{ interval_end }})
