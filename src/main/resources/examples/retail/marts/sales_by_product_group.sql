-- Quantity and number of sales per product group (the product's current group).
select p.groupname,
       sum(f.qty)  as total_qty,
       count(*)    as sales_cnt
from {{ ref('fact_sales') }} f
join {{ ref('dim_products') }} p on p.id = f.product_id
group by p.groupname
