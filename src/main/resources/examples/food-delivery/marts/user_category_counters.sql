-- Per user and category: how many of the user's CLOSED orders contain at least one dish of the
-- category (a dish's category comes from the restaurant menus), as of the end of the interval.
-- The query-assist tables make it equi-joins: b_user_category holds every user -> order -> dish ->
-- category path at the snapshot, pit_order each order's status version then (the ghost record
-- when it has none yet). user_product_counters answers a similar question straight from the vault.
select b.h_user_hk                     as user_id,
       b.h_category_hk                 as category_id,
       hc.category_name                as category_name,
       count(distinct b.h_order_hk)    as order_cnt
from {{ ref('b_user_category') }} b
join {{ ref('pit_order') }} p on p.h_order_hk = b.h_order_hk and p.snapshot_dt = b.snapshot_dt
join {{ ref('s_order_status') }} st on st.h_order_hk = p.s_order_status_hk and st.load_dt = p.s_order_status_load_dt
join {{ ref('h_category') }} hc on hc.h_category_hk = b.h_category_hk
where b.snapshot_dt = {{ interval_end }} and st.status = 'CLOSED'
group by b.h_user_hk, b.h_category_hk, hc.category_name
