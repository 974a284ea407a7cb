-- For the dashboard's top 10: passengers and flights through each airport (departures + arrivals).
select t.airport_code,
       t.departure_psngr_num + t.arrival_psngr_num   as total_psngr_num,
       t.departure_flights_num + t.arrival_flights_num as total_flights_num
from {{ ref('airport_traffic') }} t
