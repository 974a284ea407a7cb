-- Quantity and number of sales per customer country, every sale counted for its customer's
-- current country (dim_customers is SCD1).
select c.country,
       sum(f.qty)  as total_qty,
       count(*)    as sales_cnt
from {{ ref('fact_sales') }} f
join {{ ref('dim_customers') }} c on c.id = f.customer_id
group by c.country
