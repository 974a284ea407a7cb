-- dwh.dim_customers of the seed, one row per customer (SCD1): the latest version of each customer
-- in the vault's history (sat_customer keeps every version, SCD2). The seed appended a second row
-- when a customer was modified again; here a changed country replaces the old one, and every
-- earlier sale counts for the new country in sales_by_country.
select h.id, s.name, s.country
from {{ ref('hub_customer') }} h
join (select v.*, row_number() over (partition by v.hub_customer_hk order by v.load_dt desc) as rn
      from {{ ref('sat_customer') }} v) s
  on s.hub_customer_hk = h.hub_customer_hk and s.rn = 1
