-- Returns day D's raw rate messages that load_currencies could not load faithfully (a currency
-- code that is not three digits, a rate that is not a decimal in [0, 100)), and rates that
-- contradict another rate of the same pair at the same time, between which global_metrics could
-- only pick one at random.
select r._partition as kafka_partition, r._offset as kafka_offset, r._payload ->> 'object_id' as object_id,
       'malformed' as problem
from {{ ref('currencies_raw') }} r
cross join lateral (select r._payload -> 'payload' as p) payload
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }}
  and not coalesce(
        (p ->> 'currency_code') ~ '^[0-9]{3}$'
    and (p ->> 'currency_code_with') ~ '^[0-9]{3}$'
    and jsonb_typeof(p -> 'currency_with_div') = 'number'
    and (p ->> 'currency_with_div') ~ '^[0-9]{1,2}(\.[0-9]{1,3})?$',   -- fits numeric(5,3), no rounding
    false)
union all
select null, null, min(r._payload ->> 'object_id'),
       'conflicting rates for ' || (r._payload -> 'payload' ->> 'currency_code') || ' -> '
       || (r._payload -> 'payload' ->> 'currency_code_with') || ' at ' || (r._payload -> 'payload' ->> 'date_update')
from {{ ref('currencies_raw') }} r
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }}
group by r._payload -> 'payload' ->> 'currency_code', r._payload -> 'payload' ->> 'currency_code_with',
         r._payload -> 'payload' ->> 'date_update'
having count(distinct r._payload -> 'payload' ->> 'currency_with_div') > 1
