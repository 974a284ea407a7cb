-- The ranking behind most_popular_product() (scenario §5.2): total quantity per product over all
-- of fact_sales, rank 1 the most popular; ties go to the smaller product_id.
select f.product_id,
       p.name,
       sum(f.qty)                                                            as total_qty,
       row_number() over (order by sum(f.qty) desc, f.product_id)            as popularity_rank
from {{ ref('fact_sales') }} f
join {{ ref('dim_products') }} p on p.id = f.product_id
group by f.product_id, p.name
