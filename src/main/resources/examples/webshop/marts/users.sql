-- Every user of the shop: the snapshot of the run's date, and every user registered through the
-- new_users_events stream (the Data Vault's hub_stream_user, one row per event however often it
-- was read). The original appended streamed users to the PostgreSQL users table with a new serial
-- id; here they keep the event's identity as business key: kafka:<partition>:<offset>.
select concat('shop:', u.user_id) as user_key,
       'shop'                     as source,
       u.user_id,
       u.first_name,
       u.last_name,
       u.email,
       u.phone,
       u.registration_date,
       u.loyalty_status
from {{ ref('shop_users') }} u
where u._snapshot_date = date '{{ ds }}'
union all
select concat('kafka:', h.kafka_partition, ':', h.kafka_offset),
       'stream',
       null,
       s.first_name,
       s.last_name,
       s.email,
       s.phone,
       s.registration_date,
       s.loyalty_status
from {{ ref('hub_stream_user') }} h
join {{ ref('sat_stream_user') }} s on s.hub_stream_user_hk = h.hub_stream_user_hk
