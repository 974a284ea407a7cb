-- create_analytical_marts / mart_product_sales (Spark): per product and order status, the units
-- sold and the revenue of the order lines (order_details.total_price). Inner joins: a product never
-- sold has no row. Reads the snapshot of the run's date only. `p` and `o` are one row per key of
-- the date's snapshot (grouped), so that MariaDB materializes them with a key and looks each line's
-- product and order up by it (joins of unindexed STG tables are block nested loops there).
with p as (
    select product_id, max(name) as name
    from {{ ref('shop_products') }}
    where _snapshot_date = date '{{ ds }}'
    group by product_id
),
o as (
    select order_id, max(status) as status
    from {{ ref('shop_orders') }}
    where _snapshot_date = date '{{ ds }}'
    group by order_id
)
select d.product_id,
       p.name,
       o.status,
       sum(d.quantity)                           as total_quantity_sold,
       cast(sum(d.total_price) as decimal(14,2)) as total_sales
from {{ ref('shop_order_details') }} d
join p on p.product_id = d.product_id
join o on o.order_id = d.order_id
where d._snapshot_date = date '{{ ds }}'
group by d.product_id, p.name, o.status
