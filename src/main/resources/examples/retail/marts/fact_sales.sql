-- dwh.fact_sales of the seed, one partition per sale_date (= the sale's modify_date): the run for
-- day D deletes D's rows and inserts the sales of D (materialized: incremental), so re-running a
-- day, or the whole year, gives the same rows. Each sale's current version (sat_sale), its
-- customer and product through link_sale.
select hs.id                as sale_id,
       hc.id                as customer_id,
       hp.id                as product_id,
       s.qty,
       s.modify_date        as sale_date
from {{ ref('hub_sale') }} hs
join (select v.*, row_number() over (partition by v.hub_sale_hk order by v.load_dt desc) as rn
      from {{ ref('sat_sale') }} v) s
  on s.hub_sale_hk = hs.hub_sale_hk and s.rn = 1
join {{ ref('link_sale') }} l on l.sale_hk = hs.hub_sale_hk
join {{ ref('hub_customer') }} hc on hc.hub_customer_hk = l.customer_hk
join {{ ref('hub_product') }} hp on hp.hub_product_hk = l.product_hk
where s.modify_date >= cast({{ interval_start }} as date)
  and s.modify_date < cast({{ interval_end }} as date)
