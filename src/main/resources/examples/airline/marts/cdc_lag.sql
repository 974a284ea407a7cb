-- The CDC lag of §7 per source table: now minus the source time (commit time) of the newest change
-- landed. On a table nobody writes it grows: its newest change is simply old (docs/cdc.md#lag).
select 'airports' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_airports') }}
union all
select 'aircrafts' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_aircrafts') }}
union all
select 'seats' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_seats') }}
union all
select 'flights' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_flights') }}
union all
select 'bookings' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_bookings') }}
union all
select 'tickets' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_tickets') }}
union all
select 'ticket_flights' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_ticket_flights') }}
union all
select 'boarding_passes' as source_table, max(_source_time) as newest_change,
       cast(extract(epoch from (current_timestamp - max(_source_time))) as bigint) as lag_seconds
from {{ ref('airline_boarding_passes') }}
