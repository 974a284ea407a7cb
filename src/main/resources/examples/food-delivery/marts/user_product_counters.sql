-- Per user and dish: how many of the user's CLOSED orders contain the dish (quantities ignored).
-- An order's status is its latest s_order_status row, so an order re-sent as CANCELLED stops counting.
-- Standard SQL (a window for "latest row per key"), so it runs on PostgreSQL and MariaDB alike.
with order_status as (
    select h_order_hk, status
    from (select h_order_hk, status,
                 row_number() over (partition by h_order_hk order by load_dt desc) as version
          from {{ ref('s_order_status') }}) s
    where version = 1
),
product_name as (
    select h_product_hk, name
    from (select h_product_hk, name,
                 row_number() over (partition by h_product_hk order by load_dt desc) as version
          from {{ ref('s_product_names') }}) p
    where version = 1
)
select lou.h_user_hk                    as user_id,
       lop.h_product_hk                 as product_id,
       pn.name                          as product_name,
       count(distinct lop.h_order_hk)   as order_cnt
from {{ ref('l_order_user') }} lou
join {{ ref('l_order_product') }} lop on lop.h_order_hk = lou.h_order_hk
join order_status st on st.h_order_hk = lou.h_order_hk and st.status = 'CLOSED'
left join product_name pn on pn.h_product_hk = lop.h_product_hk
group by lou.h_user_hk, lop.h_product_hk, pn.name
