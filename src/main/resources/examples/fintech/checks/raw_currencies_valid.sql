-- Returns day D's raw rate messages that load_currencies could not load faithfully (a currency
-- code that is not three digits, a rate that is not a decimal in [0, 100) with at most three
-- places), and rates that contradict another rate of the same pair at the same time, between
-- which global_metrics could only pick one at random.
select r._partition as kafka_partition, r._offset as kafka_offset, r._payload ->> 'object_id' as object_id,
       'malformed' as problem
from {{ ref('currencies_raw') }} r
cross join lateral jsonb_to_record(r._payload -> 'payload') as p(
    date_update text, currency_code text, currency_code_with text, currency_with_div text)
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }}
  and not coalesce(
        p.currency_code ~ '^\d{3}$'
    and p.currency_code_with ~ '^\d{3}$'
    and p.currency_with_div ~ '^\d{1,2}(\.\d{1,3})?$',     -- fits numeric(5,3) without rounding
    false)
union all
select null, null, min(r._payload ->> 'object_id'),
       'conflicting rates for ' || p.currency_code || ' -> ' || p.currency_code_with || ' at ' || p.date_update
from {{ ref('currencies_raw') }} r
cross join lateral jsonb_to_record(r._payload -> 'payload') as p(
    date_update text, currency_code text, currency_code_with text, currency_with_div text)
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }}
group by p.currency_code, p.currency_code_with, p.date_update
having count(distinct p.currency_with_div) > 1
