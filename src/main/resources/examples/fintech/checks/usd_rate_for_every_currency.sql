-- Data-quality rule of global_metrics: every currency with a completed transaction on D needs a
-- rate to USD on D. Without it the amount would silently be NULL and drop out of the sum, so the
-- day fails instead (and its partition stays as it was). Returns the currencies lacking a rate.
select distinct t.currency_code as currency_without_usd_rate
from stg.transactions t
where t.transaction_dt >= {{ interval_start }} and t.transaction_dt < {{ interval_end }}
  and t.status = 'done'
  and t.account_number_from >= 0
  and t.currency_code <> {{ var('usd_code') }}
  and not exists (select 1
                  from stg.currencies c
                  where c.currency_code = t.currency_code
                    and c.currency_code_with = {{ var('usd_code') }}
                    and c.date_update >= {{ interval_start }} and c.date_update < {{ interval_end }})
