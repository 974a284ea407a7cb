-- Per user and category: how many of the user's CLOSED orders contain at least one dish of the
-- category. A dish's category comes from the restaurant menus (l_product_category). Standard SQL
-- (a window for "latest row per key"), so it runs on PostgreSQL and MariaDB alike.
with order_status as (
    select h_order_hk, status
    from (select h_order_hk, status,
                 row_number() over (partition by h_order_hk order by load_dt desc) as version
          from {{ ref('s_order_status') }}) s
    where version = 1
)
select lou.h_user_hk                    as user_id,
       hc.h_category_hk                 as category_id,
       hc.category_name                 as category_name,
       count(distinct lop.h_order_hk)   as order_cnt
from {{ ref('l_order_user') }} lou
join {{ ref('l_order_product') }} lop on lop.h_order_hk = lou.h_order_hk
join {{ ref('l_product_category') }} lpc on lpc.h_product_hk = lop.h_product_hk
join {{ ref('h_category') }} hc on hc.h_category_hk = lpc.h_category_hk
join order_status st on st.h_order_hk = lou.h_order_hk and st.status = 'CLOSED'
group by lou.h_user_hk, hc.h_category_hk, hc.category_name
