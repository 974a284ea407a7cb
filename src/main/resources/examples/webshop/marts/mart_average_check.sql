-- create_analytical_marts / mart_average_check (Spark): the average order amount per order status
-- and loyalty status, each order counted once, rounded half-up to cents (the original left AVG
-- unrounded). Reads the snapshot of the run's date only; `u` is one row per user (see
-- mart_user_activity.sql for why it is grouped).
with u as (
    select user_id, max(loyalty_status) as loyalty_status
    from {{ ref('shop_users') }}
    where _snapshot_date = date '{{ ds }}'
    group by user_id
)
select o.status,
       u.loyalty_status,
       cast(round(avg(o.total_amount), 2) as decimal(12,2)) as average_check
from {{ ref('shop_orders') }} o
join u on u.user_id = o.user_id
where o._snapshot_date = date '{{ ds }}'
group by o.status, u.loyalty_status
