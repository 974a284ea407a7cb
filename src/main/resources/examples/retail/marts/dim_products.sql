-- dwh.dim_products of the seed, one row per product (SCD1): the latest version of each product in
-- sat_product (which keeps them all).
select h.id, s.name, s.groupname
from {{ ref('hub_product') }} h
join (select v.*, row_number() over (partition by v.hub_product_hk order by v.load_dt desc) as rn
      from {{ ref('sat_product') }} v) s
  on s.hub_product_hk = h.hub_product_hk and s.rn = 1
