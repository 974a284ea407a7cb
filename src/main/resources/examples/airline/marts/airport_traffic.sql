-- The seed's airport-traffic script (scenario 000 §5.4: flight_info, dep_info, arr_info), computed
-- from the Data Vault's current state instead of the operational tables:
--   current airports and flights: hubs whose latest satellite row is not a deletion;
--   a flight's current departure / arrival airport: its current effectivity row (is_current);
--   passengers: ticket legs (link_ticket_flight) whose latest sat_ticket_flight row is not a deletion.
-- Every current airport is a row, with zeros when nothing departs or arrives there. A deletion is
-- a version with is_deleted true (the satellites' mappings say deleted:).
with airports as (
    select h.hub_airport_hk, h.airport_code
    from {{ ref('hub_airport') }} h
    join (select s.hub_airport_hk, s.is_deleted,
                 row_number() over (partition by s.hub_airport_hk order by s.load_dt desc) as rn
          from {{ ref('sat_airport') }} s) s
      on s.hub_airport_hk = h.hub_airport_hk and s.rn = 1
    where not s.is_deleted
),
flights as (
    select h.hub_flight_hk
    from {{ ref('hub_flight') }} h
    join (select s.hub_flight_hk, s.is_deleted,
                 row_number() over (partition by s.hub_flight_hk order by s.load_dt desc) as rn
          from {{ ref('sat_flight') }} s) s
      on s.hub_flight_hk = h.hub_flight_hk and s.rn = 1
    where not s.is_deleted
),
passengers as (
    select l.flight_hk, count(*) as pass_num
    from {{ ref('link_ticket_flight') }} l
    join (select s.link_ticket_flight_hk, s.is_deleted,
                 row_number() over (partition by s.link_ticket_flight_hk order by s.load_dt desc) as rn
          from {{ ref('sat_ticket_flight') }} s) s
      on s.link_ticket_flight_hk = l.link_ticket_flight_hk and s.rn = 1
    where not s.is_deleted
    group by l.flight_hk
),
flight_info as (                 -- people per flight, with its current airports
    select f.hub_flight_hk, d.airport_hk as departure_hk, a.airport_hk as arrival_hk,
           coalesce(p.pass_num, 0) as pass_num
    from flights f
    left join (select e.flight_hk, l.airport_hk
               from {{ ref('sat_eff_flight_departure_airport') }} e
               join {{ ref('link_flight_departure_airport') }} l
                 on l.link_flight_departure_airport_hk = e.link_flight_departure_airport_hk
               where e.is_current) d on d.flight_hk = f.hub_flight_hk
    left join (select e.flight_hk, l.airport_hk
               from {{ ref('sat_eff_flight_arrival_airport') }} e
               join {{ ref('link_flight_arrival_airport') }} l
                 on l.link_flight_arrival_airport_hk = e.link_flight_arrival_airport_hk
               where e.is_current) a on a.flight_hk = f.hub_flight_hk
    left join passengers p on p.flight_hk = f.hub_flight_hk
),
dep_info as (
    select departure_hk as airport_hk, count(*) as flights_num, sum(pass_num) as psngr_num
    from flight_info group by departure_hk
),
arr_info as (
    select arrival_hk as airport_hk, count(*) as flights_num, sum(pass_num) as psngr_num
    from flight_info group by arrival_hk
)
select a.airport_code,
       cast(coalesce(d.flights_num, 0) as bigint) as departure_flights_num,
       cast(coalesce(d.psngr_num, 0) as bigint)   as departure_psngr_num,
       cast(coalesce(r.flights_num, 0) as bigint) as arrival_flights_num,
       cast(coalesce(r.psngr_num, 0) as bigint)   as arrival_psngr_num
from airports a
left join dep_info d on d.airport_hk = a.hub_airport_hk
left join arr_info r on r.airport_hk = a.hub_airport_hk
