package dev.strata.examples.airline;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the pipeline must hold, computed in plain Java from the generator's rows and its change
 * script (never with the pipeline's SQL): the change events per table and op, every business key
 * and key pair ever observed, each satellite's expected latest version, each flight's current
 * airports and aircraft, and the airport-traffic mart on the source's final state.
 */
public final class AirlineTruth {
    /** {@code YYYY-MM-DDTHH:MM:SS} in UTC: how the verifier reads a timestamptz. */
    static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** One mart row. */
    public record Traffic(long departureFlights, long departurePassengers, long arrivalFlights, long arrivalPassengers) {
        List<String> texts() {
            return List.of(Long.toString(departureFlights), Long.toString(departurePassengers), Long.toString(arrivalFlights),
                    Long.toString(arrivalPassengers));
        }
    }

    private final AirlineData.Rows fixture;
    private final List<AirlineData.Change> changes;
    private final AirlineData.Rows last;

    public AirlineTruth(AirlineData.Rows fixture, List<AirlineData.Change> changes) {
        this.fixture = fixture;
        this.changes = List.copyOf(changes);
        this.last = AirlineData.apply(fixture, changes);
    }

    /** The source's rows after the change script. */
    public AirlineData.Rows current() {
        return last;
    }

    public AirlineData.Marker marker() {
        return (AirlineData.Marker) changes.get(changes.size() - 1);
    }

    /** Change events per table and op ({@code r} the snapshot's rows, then the script's). */
    public Map<String, Map<String, Integer>> events() {
        Map<String, Map<String, Integer>> m = new LinkedHashMap<>();
        fixture.counts().forEach((t, n) -> m.computeIfAbsent(t, k -> new TreeMap<>()).put("r", n));
        for (AirlineData.Change c : changes) {
            List<String> tables = c instanceof AirlineData.NewBooking ? List.of("bookings", "tickets", "ticket_flights")
                    : List.of(c.table());
            tables.forEach(t -> m.get(t).merge(c.op(), 1, Integer::sum));
        }
        return m;
    }

    /** Business keys ever observed per hub (each key a list of its parts as text). */
    public Map<String, Set<List<String>>> hubKeys() {
        Map<String, Set<List<String>>> m = new LinkedHashMap<>();
        for (String h : List.of("hub_airport", "hub_aircraft", "hub_seat", "hub_flight", "hub_booking", "hub_ticket")) {
            m.put(h, new LinkedHashSet<>());
        }
        for (AirlineData.Rows r : everObserved()) {
            r.airports().forEach(a -> m.get("hub_airport").add(List.of(a.code())));
            r.flights().forEach(f -> {
                m.get("hub_airport").add(List.of(f.departureAirport()));
                m.get("hub_airport").add(List.of(f.arrivalAirport()));
                m.get("hub_aircraft").add(List.of(f.aircraftCode()));
                m.get("hub_flight").add(List.of(Integer.toString(f.id())));
            });
            r.aircrafts().forEach(a -> m.get("hub_aircraft").add(List.of(a.code())));
            r.seats().forEach(s -> {
                m.get("hub_aircraft").add(List.of(s.aircraftCode()));
                m.get("hub_seat").add(List.of(s.aircraftCode(), s.seatNo()));
            });
            r.bookings().forEach(b -> m.get("hub_booking").add(List.of(b.bookRef())));
            r.tickets().forEach(t -> {
                m.get("hub_ticket").add(List.of(t.ticketNo()));
                m.get("hub_booking").add(List.of(t.bookRef()));
            });
            r.ticketFlights().forEach(tf -> {
                m.get("hub_ticket").add(List.of(tf.ticketNo()));
                m.get("hub_flight").add(List.of(Integer.toString(tf.flightId())));
            });
            r.boardingPasses().forEach(b -> {
                m.get("hub_ticket").add(List.of(b.ticketNo()));
                m.get("hub_flight").add(List.of(Integer.toString(b.flightId())));
            });
        }
        return m;
    }

    /** Key pairs ever observed per link: each entry the business keys of its hubs, role by role, flattened. */
    public Map<String, Set<List<String>>> linkKeys() {
        Map<String, Set<List<String>>> m = new LinkedHashMap<>();
        for (String l : List.of("link_flight_departure_airport", "link_flight_arrival_airport", "link_flight_aircraft",
                "link_seat_aircraft", "link_ticket_booking", "link_ticket_flight")) {
            m.put(l, new LinkedHashSet<>());
        }
        for (AirlineData.Rows r : everObserved()) {
            r.flights().forEach(f -> {
                String id = Integer.toString(f.id());
                m.get("link_flight_departure_airport").add(List.of(id, f.departureAirport()));
                m.get("link_flight_arrival_airport").add(List.of(id, f.arrivalAirport()));
                m.get("link_flight_aircraft").add(List.of(id, f.aircraftCode()));
            });
            r.seats().forEach(s -> m.get("link_seat_aircraft").add(List.of(s.aircraftCode(), s.seatNo(), s.aircraftCode())));
            r.tickets().forEach(t -> m.get("link_ticket_booking").add(List.of(t.ticketNo(), t.bookRef())));
            r.ticketFlights().forEach(tf -> m.get("link_ticket_flight").add(List.of(tf.ticketNo(), Integer.toString(tf.flightId()))));
            r.boardingPasses().forEach(b -> m.get("link_ticket_flight").add(List.of(b.ticketNo(), Integer.toString(b.flightId()))));
        }
        return m;
    }

    /** The fixture, every state a flight was in during the script, and every inserted row: all rows ever observed. */
    private List<AirlineData.Rows> everObserved() {
        List<AirlineData.Rows> all = new ArrayList<>(List.of(fixture));
        List<AirlineData.Change> prefix = new ArrayList<>();
        for (AirlineData.Change c : changes) {
            prefix.add(c);
            if (c instanceof AirlineData.FlightDeparture || c instanceof AirlineData.NewBooking) {
                all.add(AirlineData.apply(fixture, prefix));
            }
        }
        return all;
    }

    /** Per flight id: its current departure airport, arrival airport and aircraft. */
    public Map<String, List<String>> currentPairings() {
        Map<String, List<String>> m = new TreeMap<>();
        last.flights().forEach(f -> m.put(Integer.toString(f.id()), List.of(f.departureAirport(), f.arrivalAirport(),
                f.aircraftCode())));
        return m;
    }

    /**
     * Per satellite, per parent business key (its parts as text): the latest version's attributes as
     * text (the verifier's rendering), and {@code "deleted"} as the last element when the row was deleted.
     */
    public Map<String, Map<List<String>, List<String>>> latestVersions() {
        Map<String, Map<List<String>, List<String>>> m = new LinkedHashMap<>();
        Map<List<String>, List<String>> airports = new HashMap<>();
        last.airports().forEach(a -> airports.put(List.of(a.code()), live(a.name(), a.city(), num(a.lon()), num(a.lat()),
                a.timezone())));
        m.put("sat_airport", airports);
        Map<List<String>, List<String>> aircrafts = new HashMap<>();
        last.aircrafts().forEach(a -> aircrafts.put(List.of(a.code()), live(json(a.modelJson()), Integer.toString(a.range()))));
        m.put("sat_aircraft", aircrafts);
        Map<List<String>, List<String>> seats = new HashMap<>();
        last.seats().forEach(s -> seats.put(List.of(s.aircraftCode(), s.seatNo()), live(s.fareConditions())));
        m.put("sat_seat", seats);
        Map<List<String>, List<String>> flights = new HashMap<>();
        last.flights().forEach(f -> flights.put(List.of(Integer.toString(f.id())), live(f.flightNo(), ts(f.scheduledDeparture()),
                ts(f.scheduledArrival()), f.status(), ts(f.actualDeparture()), ts(f.actualArrival()))));
        m.put("sat_flight", flights);
        Map<List<String>, List<String>> bookings = new HashMap<>();
        last.bookings().forEach(b -> bookings.put(List.of(b.bookRef()), live(ts(b.bookDate()), dec(b.totalAmount()))));
        m.put("sat_booking", bookings);
        Map<List<String>, List<String>> tickets = new HashMap<>();
        last.tickets().forEach(t -> tickets.put(List.of(t.ticketNo()), live(t.passengerId(), t.passengerName(),
                json(t.contactData()))));
        m.put("sat_ticket", tickets);
        Map<List<String>, List<String>> legs = new HashMap<>();
        for (AirlineData.Rows r : everObserved()) {
            r.ticketFlights().forEach(tf -> legs.put(List.of(tf.ticketNo(), Integer.toString(tf.flightId())),
                    deleted(tf.fareConditions(), dec(tf.amount()))));
        }
        last.ticketFlights().forEach(tf -> legs.put(List.of(tf.ticketNo(), Integer.toString(tf.flightId())),
                live(tf.fareConditions(), dec(tf.amount()))));
        m.put("sat_ticket_flight", legs);
        Map<List<String>, List<String>> passes = new HashMap<>();
        last.boardingPasses().forEach(b -> passes.put(List.of(b.ticketNo(), Integer.toString(b.flightId())),
                live(Integer.toString(b.boardingNo()), b.seatNo())));
        m.put("sat_boarding_pass", passes);
        return m;
    }

    /** The ticket legs the script deleted, as (ticket_no, flight_id). */
    public Set<List<String>> deletedLegs() {
        Set<List<String>> s = new LinkedHashSet<>();
        changes.stream().filter(c -> c instanceof AirlineData.DeleteLeg).map(c -> (AirlineData.DeleteLeg) c)
                .forEach(d -> s.add(List.of(d.ticketNo(), Integer.toString(d.flightId()))));
        return s;
    }

    /** cdm.airport_traffic on the source's final state (§5.4): every airport, zeros where nothing flies. */
    public Map<String, Traffic> traffic() {
        Map<Integer, Long> passengers = new HashMap<>();
        last.ticketFlights().forEach(tf -> passengers.merge(tf.flightId(), 1L, Long::sum));
        Map<String, long[]> acc = new TreeMap<>();
        last.airports().forEach(a -> acc.put(a.code(), new long[4]));
        for (AirlineData.Flight f : last.flights()) {
            long p = passengers.getOrDefault(f.id(), 0L);
            long[] d = acc.get(f.departureAirport());
            d[0]++;
            d[1] += p;
            long[] a = acc.get(f.arrivalAirport());
            a[2]++;
            a[3] += p;
        }
        Map<String, Traffic> out = new TreeMap<>();
        acc.forEach((k, v) -> out.put(k, new Traffic(v[0], v[1], v[2], v[3])));
        return out;
    }

    static List<String> live(String... attributes) {
        List<String> l = new ArrayList<>(Arrays.asList(attributes));
        l.add("live");
        return l;
    }

    static List<String> deleted(String... attributes) {
        List<String> l = new ArrayList<>(Arrays.asList(attributes));
        l.add("deleted");
        return l;
    }

    static String ts(Instant i) {
        return i == null ? null : UTC.format(i);
    }

    static String dec(BigDecimal d) {
        return d.setScale(2).toPlainString();
    }

    /** A double as PostgreSQL's float8 output writes it for these values (shortest exact, no trailing zeros). */
    static String num(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** JSON text with its object's keys sorted (the verifier renders the stored value the same way). */
    static String json(String text) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = new com.fasterxml.jackson.databind.ObjectMapper().readValue(text, Map.class);
            return new TreeMap<>(map).toString();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }
}
