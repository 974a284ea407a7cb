-- What the counters are for: tag users by what they order. A user with at least
-- var('tag_threshold') CLOSED orders in a category gets its tag ("Pizza lover" for Pizza).
select category_name,
       count(*) as tagged_users
from {{ ref('user_category_counters') }}
where order_cnt >= {{ var('tag_threshold') }}
group by category_name
