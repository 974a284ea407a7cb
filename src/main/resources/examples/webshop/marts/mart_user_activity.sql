-- create_analytical_marts / mart_user_activity (Spark): per user and order status, how many orders
-- and how much they spent. Inner join, as the original: a user without orders has no row (every
-- user from the registrations stream among them). Reads the snapshot of the run's date only.
-- `u` is one row per user_id (grouped): MariaDB then materializes it with a key and looks each
-- order's user up by it (a plain join of two unindexed STG tables is a block nested loop there).
with u as (
    select user_id, max(first_name) as first_name, max(last_name) as last_name
    from {{ ref('shop_users') }}
    where _snapshot_date = date '{{ ds }}'
    group by user_id
)
select o.user_id,
       u.first_name,
       u.last_name,
       o.status,
       count(o.order_id)                          as order_count,
       cast(sum(o.total_amount) as decimal(14,2)) as total_spent
from {{ ref('shop_orders') }} o
join u on u.user_id = o.user_id
where o._snapshot_date = date '{{ ds }}'
group by o.user_id, u.first_name, u.last_name, o.status
