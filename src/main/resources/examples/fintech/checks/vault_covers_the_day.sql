-- Returns what the typed staging of day D holds but the Data Vault does not: an operation without
-- its hub row, an operation whose current status in the vault is not its latest status message,
-- a rate of D missing from the rate link or with another value there. (Rates are immutable events
-- in a non-historized link, so every rate is required, however late it arrived.)
with ops as (           -- each operation of D with the status of its latest message
    select distinct on (operation_id) operation_id, status
    from stg.transactions
    where transaction_dt >= {{ interval_start }} and transaction_dt < {{ interval_end }}
    order by operation_id, sent_dttm desc
),
current_status as (     -- the vault's current status of each of those operations
    select distinct on (h.operation_id) h.operation_id, s.status
    from {{ ref('hub_transaction') }} h
    join {{ ref('sat_transaction_status') }} s on s.hub_transaction_hk = h.hub_transaction_hk
    where h.operation_id in (select operation_id from ops)
    order by h.operation_id, s.load_dt desc
)
select 'operation ' || o.operation_id || coalesce(': vault status ' || c.status || ', latest message ' || o.status,
                                                  ' is not in the vault') as problem
from ops o
left join current_status c on c.operation_id = o.operation_id
where c.status is distinct from o.status
union all
select 'rate ' || r.currency_code || ' -> ' || r.currency_code_with || ' at ' || r.date_update
       || coalesce(': vault has ' || v.currency_with_div || ', staging ' || r.currency_with_div, ' is not in the vault')
from stg.currencies r
left join (
    select c1.currency_code, c2.currency_code as currency_code_with, l.date_update, l.currency_with_div
    from {{ ref('link_currency_rate') }} l
    join {{ ref('hub_currency') }} c1 on c1.hub_currency_hk = l.currency_hk
    join {{ ref('hub_currency') }} c2 on c2.hub_currency_hk = l.currency_with_hk
) v on v.currency_code = r.currency_code and v.currency_code_with = r.currency_code_with and v.date_update = r.date_update
where r.date_update >= {{ interval_start }} and r.date_update < {{ interval_end }}
  and v.currency_with_div is distinct from r.currency_with_div
