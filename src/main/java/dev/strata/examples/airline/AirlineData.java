package dev.strata.examples.airline;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The airline's operational rows (scenario 000 §3.1, §4), deterministic from a seed: 20 airports
 * (the last {@value #IDLE_AIRPORTS} never flown from or to), 5 aircraft with 30–60 seats each, 600
 * flights in November 2024 (the last {@value #EMPTY_FLIGHTS} sold no ticket), 3,000 bookings with 1–3
 * tickets each, 1–2 flight legs per ticket (≈ 9,000) and boarding passes for 90 % of the legs on
 * departed or arrived flights, each with a seat of that aircraft unique on its flight. Then the
 * change script applied after the CDC snapshot (§4), one transaction per change, ending with a marker
 * update whose change event says capture has caught up (§9 item 14).
 */
public final class AirlineData {
    public static final long SEED = 20241101L;
    static final int AIRPORTS = 20;
    static final int IDLE_AIRPORTS = 2;
    static final int AIRCRAFTS = 5;
    static final int FLIGHTS = 600;
    static final int EMPTY_FLIGHTS = 6;
    static final int BOOKINGS = 3_000;
    static final Instant FROM = Instant.parse("2024-11-01T00:00:00Z");
    static final Instant TO = Instant.parse("2024-11-30T00:00:00Z");
    static final List<String> FARES = List.of("Economy", "Comfort", "Business");
    static final List<String> STATUSES = List.of("Scheduled", "On Time", "Delayed", "Departed", "Arrived", "Cancelled");

    public record Airport(String code, String name, String city, double lon, double lat, String timezone) {
    }

    /** {@code model} as jsonb text {@code {"en": "...", "ru": "..."}}. */
    public record Aircraft(String code, String modelEn, String modelRu, int range) {
        public String modelJson() {
            return "{\"en\": \"" + modelEn + "\", \"ru\": \"" + modelRu + "\"}";
        }
    }

    public record Seat(String aircraftCode, String seatNo, String fareConditions) {
    }

    public record Flight(int id, String flightNo, Instant scheduledDeparture, Instant scheduledArrival,
                         String departureAirport, String arrivalAirport, String status, String aircraftCode,
                         Instant actualDeparture, Instant actualArrival) {
        Flight withStatus(String s, Instant actualDep) {
            return new Flight(id, flightNo, scheduledDeparture, scheduledArrival, departureAirport, arrivalAirport, s,
                    aircraftCode, actualDep == null ? actualDeparture : actualDep, actualArrival);
        }

        Flight withDeparture(String airport) {
            return new Flight(id, flightNo, scheduledDeparture, scheduledArrival, airport, arrivalAirport, status,
                    aircraftCode, actualDeparture, actualArrival);
        }
    }

    public record Booking(String bookRef, Instant bookDate, BigDecimal totalAmount) {
    }

    /** {@code contactData} as jsonb text. */
    public record Ticket(String ticketNo, String bookRef, String passengerId, String passengerName, String contactData) {
    }

    public record TicketFlight(String ticketNo, int flightId, String fareConditions, BigDecimal amount) {
    }

    public record BoardingPass(String ticketNo, int flightId, int boardingNo, String seatNo) {
    }

    /** The rows of every table. */
    public record Rows(List<Airport> airports, List<Aircraft> aircrafts, List<Seat> seats, List<Flight> flights,
                       List<Booking> bookings, List<Ticket> tickets, List<TicketFlight> ticketFlights,
                       List<BoardingPass> boardingPasses) {
        public Rows {
            airports = List.copyOf(airports);
            aircrafts = List.copyOf(aircrafts);
            seats = List.copyOf(seats);
            flights = List.copyOf(flights);
            bookings = List.copyOf(bookings);
            tickets = List.copyOf(tickets);
            ticketFlights = List.copyOf(ticketFlights);
            boardingPasses = List.copyOf(boardingPasses);
        }

        /** Rows per source table, in {@link AirlineDatabase#TABLES} order. */
        public Map<String, Integer> counts() {
            Map<String, Integer> m = new LinkedHashMap<>();
            m.put("airports", airports.size());
            m.put("aircrafts", aircrafts.size());
            m.put("seats", seats.size());
            m.put("flights", flights.size());
            m.put("bookings", bookings.size());
            m.put("tickets", tickets.size());
            m.put("ticket_flights", ticketFlights.size());
            m.put("boarding_passes", boardingPasses.size());
            return m;
        }
    }

    /** One statement of the change script, each its own transaction on the source. */
    public sealed interface Change {
        /** The source table it changes. */
        String table();

        /** Its Debezium op ({@code c}, {@code u}, {@code d}), one event per change row. */
        String op();
    }

    /** {@code UPDATE flights SET status = ?[, actual_departure = ?]}. */
    public record FlightStatus(int flightId, String status, Instant actualDeparture) implements Change {
        public String table() {
            return "flights";
        }

        public String op() {
            return "u";
        }
    }

    public record AirportName(String code, String name) implements Change {
        public String table() {
            return "airports";
        }

        public String op() {
            return "u";
        }
    }

    /** A new booking with 1 ticket and 1 leg: three inserts in one transaction (one event each). */
    public record NewBooking(Booking booking, Ticket ticket, TicketFlight leg) implements Change {
        public String table() {
            return "bookings";
        }

        public String op() {
            return "c";
        }
    }

    public record DeleteLeg(String ticketNo, int flightId) implements Change {
        public String table() {
            return "ticket_flights";
        }

        public String op() {
            return "d";
        }
    }

    public record FlightDeparture(int flightId, String airport) implements Change {
        public String table() {
            return "flights";
        }

        public String op() {
            return "u";
        }
    }

    /** The last statement: {@code UPDATE flights SET status = status}, an event that changes nothing. */
    public record Marker(int flightId) implements Change {
        public String table() {
            return "flights";
        }

        public String op() {
            return "u";
        }
    }

    private AirlineData() {
    }

    private static final String[][] AIRPORT_NAMES = {
            {"SVO", "Sheremetyevo", "Moscow", "Europe/Moscow"}, {"LED", "Pulkovo", "Saint Petersburg", "Europe/Moscow"},
            {"KZN", "Kazan", "Kazan", "Europe/Moscow"}, {"AER", "Sochi", "Sochi", "Europe/Moscow"},
            {"SVX", "Koltsovo", "Yekaterinburg", "Asia/Yekaterinburg"}, {"OVB", "Tolmachevo", "Novosibirsk", "Asia/Novosibirsk"},
            {"KJA", "Yemelyanovo", "Krasnoyarsk", "Asia/Krasnoyarsk"}, {"IKT", "Irkutsk", "Irkutsk", "Asia/Irkutsk"},
            {"VVO", "Knevichi", "Vladivostok", "Asia/Vladivostok"}, {"KHV", "Novy", "Khabarovsk", "Asia/Vladivostok"},
            {"ROV", "Platov", "Rostov-on-Don", "Europe/Moscow"}, {"KRR", "Pashkovsky", "Krasnodar", "Europe/Moscow"},
            {"UFA", "Ufa", "Ufa", "Asia/Yekaterinburg"}, {"KUF", "Kurumoch", "Samara", "Europe/Samara"},
            {"PEE", "Bolshoye Savino", "Perm", "Asia/Yekaterinburg"}, {"MRV", "Mineralnyye Vody", "Mineralnye Vody", "Europe/Moscow"},
            {"TJM", "Roshchino", "Tyumen", "Asia/Yekaterinburg"}, {"GOJ", "Strigino", "Nizhny Novgorod", "Europe/Moscow"},
            {"YKS", "Yakutsk", "Yakutsk", "Asia/Yakutsk"}, {"PKC", "Yelizovo", "Petropavlovsk", "Asia/Kamchatka"}};
    private static final String[][] MODELS = {
            {"773", "Boeing 777-300", "Боинг 777-300"}, {"320", "Airbus A320-200", "Аэробус A320-200"},
            {"SU9", "Sukhoi Superjet-100", "Сухой Суперджет-100"}, {"733", "Boeing 737-300", "Боинг 737-300"},
            {"CR2", "Bombardier CRJ-200", "Бомбардье CRJ-200"}};
    private static final String[] FIRST = {"IVAN", "OLGA", "PETR", "ANNA", "SERGEY", "ELENA", "DMITRY", "NATALIA",
            "ALEKSEY", "TATYANA", "NIKOLAY", "IRINA"};
    private static final String[] LAST = {"IVANOV", "PETROVA", "SMIRNOV", "KUZNETSOVA", "POPOV", "SOKOLOVA", "LEBEDEV",
            "KOZLOVA", "NOVIKOV", "MOROZOVA"};

    /** The fixture loaded before capture starts (its rows are the CDC snapshot). */
    public static Rows fixture(long seed) {
        Random r = new Random(seed);
        List<Airport> airports = new ArrayList<>();
        for (int i = 0; i < AIRPORTS; i++) {
            String[] a = AIRPORT_NAMES[i];
            airports.add(new Airport(a[0], a[1], a[2], round(30 + r.nextDouble() * 130, 4), round(40 + r.nextDouble() * 25, 4), a[3]));
        }
        List<Aircraft> aircrafts = new ArrayList<>();
        List<Seat> seats = new ArrayList<>();
        Map<String, List<String>> seatsOf = new HashMap<>();
        for (int i = 0; i < AIRCRAFTS; i++) {
            String[] m = MODELS[i];
            aircrafts.add(new Aircraft(m[0], m[1], m[2], 2000 + r.nextInt(51) * 100));
            int n = 30 + r.nextInt(31);
            List<String> nos = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                String no = (k / 6 + 1) + String.valueOf("ABCDEF".charAt(k % 6));
                int row = k / 6 + 1;
                seats.add(new Seat(m[0], no, row <= 2 ? "Business" : row <= 4 ? "Comfort" : "Economy"));
                nos.add(no);
            }
            seatsOf.put(m[0], nos);
        }
        List<Flight> flights = new ArrayList<>();
        long minutes = Duration.between(FROM, TO).toMinutes();
        int flown = AIRPORTS - IDLE_AIRPORTS;
        for (int id = 1; id <= FLIGHTS; id++) {
            int dep = r.nextInt(flown);
            int arr = (dep + 1 + r.nextInt(flown - 1)) % flown;
            Instant sd = FROM.plus(Duration.ofMinutes(r.nextLong(minutes / 5) * 5));
            Instant sa = sd.plus(Duration.ofMinutes(60 + r.nextInt(60) * 5));
            String status = pick(r, new int[] {25, 15, 10, 5, 35, 10});
            Instant ad = status.equals("Departed") || status.equals("Arrived") ? sd.plus(Duration.ofMinutes(r.nextInt(31))) : null;
            Instant aa = status.equals("Arrived") ? sa.plus(Duration.ofMinutes(r.nextInt(31))) : null;
            flights.add(new Flight(id, String.format("PG%04d", 1 + r.nextInt(9999)), sd, sa, airports.get(dep).code(),
                    airports.get(arr).code(), status, aircrafts.get(r.nextInt(AIRCRAFTS)).code(), ad, aa));
        }
        List<Booking> bookings = new ArrayList<>();
        List<Ticket> tickets = new ArrayList<>();
        List<TicketFlight> legs = new ArrayList<>();
        Map<Integer, Integer> sold = new HashMap<>();
        Set<String> refs = new HashSet<>();
        long ticketSeq = 5432000000L;
        for (int b = 0; b < BOOKINGS; b++) {
            String ref = uniqueRef(r, refs);
            int n = 1 + r.nextInt(3);
            BigDecimal total = BigDecimal.ZERO;
            Instant date = FROM.minus(Duration.ofDays(30)).plus(Duration.ofSeconds(r.nextLong(Duration.ofDays(45).toSeconds())));
            List<TicketFlight> mine = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                String no = String.format("%013d", ++ticketSeq);
                tickets.add(ticket(r, no, ref));
                int k = 1 + r.nextInt(2);
                Set<Integer> used = new HashSet<>();
                for (int j = 0; j < k; j++) {
                    Flight f = flightWithSeat(r, flights, seatsOf, sold, used);
                    String fare = FARES.get(r.nextInt(FARES.size()));
                    BigDecimal amount = BigDecimal.valueOf(3000 + r.nextInt(150_000), 2).movePointRight(1).setScale(2);
                    mine.add(new TicketFlight(no, f.id(), fare, amount));
                    total = total.add(amount);
                }
            }
            legs.addAll(mine);
            bookings.add(new Booking(ref, date.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), total));
        }
        // boarding passes: 90 % of the legs on departed or arrived flights, seats unique per flight
        Map<Integer, Flight> byId = new HashMap<>();
        flights.forEach(f -> byId.put(f.id(), f));
        Map<Integer, List<String>> free = new HashMap<>();
        Map<Integer, Integer> boarded = new HashMap<>();
        List<BoardingPass> passes = new ArrayList<>();
        for (TicketFlight tf : legs) {
            Flight f = byId.get(tf.flightId());
            if (!(f.status().equals("Departed") || f.status().equals("Arrived")) || r.nextInt(10) == 0) {
                continue;
            }
            List<String> seatsLeft = free.computeIfAbsent(f.id(), x -> {
                List<String> s = new ArrayList<>(seatsOf.get(f.aircraftCode()));
                java.util.Collections.shuffle(s, r);
                return s;
            });
            int no = boarded.merge(f.id(), 1, Integer::sum);
            passes.add(new BoardingPass(tf.ticketNo(), f.id(), no, seatsLeft.remove(seatsLeft.size() - 1)));
        }
        return new Rows(airports, aircrafts, seats, flights, bookings, tickets, legs, passes);
    }

    /** The change script of §4 over {@link #fixture}'s rows, ending with the {@link Marker}. */
    public static List<Change> changes(long seed, Rows fixture) {
        Random r = new Random(seed * 31 + 7);
        List<Change> out = new ArrayList<>();
        Set<Integer> withLegs = new HashSet<>();
        fixture.ticketFlights().forEach(tf -> withLegs.add(tf.flightId()));
        // 50 status updates of distinct flights not yet departed: 10 depart (actual_departure set), 40 do not
        List<Flight> waiting = new ArrayList<>(fixture.flights().stream()
                .filter(f -> Set.of("Scheduled", "On Time", "Delayed").contains(f.status())).toList());
        java.util.Collections.shuffle(waiting, r);
        for (int i = 0; i < 50; i++) {
            Flight f = waiting.get(i);
            if (i < 10) {
                out.add(new FlightStatus(f.id(), "Departed", f.scheduledDeparture().plus(Duration.ofMinutes(5 + r.nextInt(20)))));
            } else {
                List<String> to = new ArrayList<>(List.of("On Time", "Delayed", "Cancelled"));
                to.remove(f.status());
                out.add(new FlightStatus(f.id(), to.get(r.nextInt(to.size())), null));
            }
        }
        Airport renamed = fixture.airports().get(r.nextInt(AIRPORTS - IDLE_AIRPORTS));
        out.add(new AirportName(renamed.code(), renamed.name() + " International"));
        // 10 new bookings, each 1 ticket with 1 leg on a flight that has tickets and a free seat
        Map<Integer, Integer> sold = new HashMap<>();
        fixture.ticketFlights().forEach(tf -> sold.merge(tf.flightId(), 1, Integer::sum));
        Map<String, Integer> capacity = new HashMap<>();
        fixture.seats().forEach(s -> capacity.merge(s.aircraftCode(), 1, Integer::sum));
        Set<String> refs = new HashSet<>();
        fixture.bookings().forEach(b -> refs.add(b.bookRef()));
        long ticketSeq = 5432900000L;
        for (int i = 0; i < 10; i++) {
            Flight f;
            do {
                f = fixture.flights().get(r.nextInt(FLIGHTS - EMPTY_FLIGHTS));
            } while (!withLegs.contains(f.id()) || sold.getOrDefault(f.id(), 0) >= capacity.get(f.aircraftCode()));
            sold.merge(f.id(), 1, Integer::sum);
            String ref = uniqueRef(r, refs);
            String no = String.format("%013d", ++ticketSeq);
            BigDecimal amount = BigDecimal.valueOf(5000 + r.nextInt(100_000), 1).setScale(2);
            out.add(new NewBooking(new Booking(ref, Instant.parse("2024-11-20T10:00:00Z").plusSeconds(i * 60L), amount),
                    ticket(r, no, ref), new TicketFlight(no, f.id(), FARES.get(r.nextInt(3)), amount)));
        }
        // 5 deletes of legs without a boarding pass
        Set<String> boarded = new HashSet<>();
        fixture.boardingPasses().forEach(b -> boarded.add(b.ticketNo() + "/" + b.flightId()));
        List<TicketFlight> unboarded = new ArrayList<>(fixture.ticketFlights().stream()
                .filter(tf -> !boarded.contains(tf.ticketNo() + "/" + tf.flightId())).toList());
        java.util.Collections.shuffle(unboarded, r);
        for (int i = 0; i < 5; i++) {
            out.add(new DeleteLeg(unboarded.get(i).ticketNo(), unboarded.get(i).flightId()));
        }
        // 1 departure airport changed (to another flown airport, not its arrival airport)
        Flight moved = fixture.flights().get(r.nextInt(FLIGHTS - EMPTY_FLIGHTS));
        String to;
        do {
            to = fixture.airports().get(r.nextInt(AIRPORTS - IDLE_AIRPORTS)).code();
        } while (to.equals(moved.departureAirport()) || to.equals(moved.arrivalAirport()));
        out.add(new FlightDeparture(moved.id(), to));
        out.add(new Marker(fixture.flights().get(0).id()));
        return List.copyOf(out);
    }

    /** The rows after {@code changes}: what the source holds once the script ran. */
    public static Rows apply(Rows rows, List<Change> changes) {
        Map<String, Airport> airports = new LinkedHashMap<>();
        rows.airports().forEach(a -> airports.put(a.code(), a));
        Map<Integer, Flight> flights = new LinkedHashMap<>();
        rows.flights().forEach(f -> flights.put(f.id(), f));
        List<Booking> bookings = new ArrayList<>(rows.bookings());
        List<Ticket> tickets = new ArrayList<>(rows.tickets());
        Map<String, TicketFlight> legs = new LinkedHashMap<>();
        rows.ticketFlights().forEach(tf -> legs.put(tf.ticketNo() + "/" + tf.flightId(), tf));
        for (Change c : changes) {
            if (c instanceof FlightStatus s) {
                flights.computeIfPresent(s.flightId(), (k, f) -> f.withStatus(s.status(), s.actualDeparture()));
            } else if (c instanceof AirportName n) {
                airports.computeIfPresent(n.code(), (k, a) -> new Airport(a.code(), n.name(), a.city(), a.lon(), a.lat(),
                        a.timezone()));
            } else if (c instanceof NewBooking b) {
                bookings.add(b.booking());
                tickets.add(b.ticket());
                legs.put(b.leg().ticketNo() + "/" + b.leg().flightId(), b.leg());
            } else if (c instanceof DeleteLeg d) {
                legs.remove(d.ticketNo() + "/" + d.flightId());
            } else if (c instanceof FlightDeparture d) {
                flights.computeIfPresent(d.flightId(), (k, f) -> f.withDeparture(d.airport()));
            }
        }
        return new Rows(List.copyOf(airports.values()), rows.aircrafts(), rows.seats(), List.copyOf(flights.values()),
                bookings, tickets, List.copyOf(legs.values()), rows.boardingPasses());
    }

    /** Change events per table the script emits (a new booking: one insert each into bookings, tickets, ticket_flights). */
    public static Map<String, Integer> events(List<Change> changes) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Change c : changes) {
            if (c instanceof NewBooking) {
                m.merge("bookings", 1, Integer::sum);
                m.merge("tickets", 1, Integer::sum);
                m.merge("ticket_flights", 1, Integer::sum);
            } else {
                m.merge(c.table(), 1, Integer::sum);
            }
        }
        return m;
    }

    private static Flight flightWithSeat(Random r, List<Flight> flights, Map<String, List<String>> seatsOf,
                                         Map<Integer, Integer> sold, Set<Integer> used) {
        while (true) {
            Flight f = flights.get(r.nextInt(FLIGHTS - EMPTY_FLIGHTS));   // the last ones sell no ticket
            if (!used.contains(f.id()) && sold.getOrDefault(f.id(), 0) < seatsOf.get(f.aircraftCode()).size()) {
                used.add(f.id());
                sold.merge(f.id(), 1, Integer::sum);
                return f;
            }
        }
    }

    private static Ticket ticket(Random r, String no, String ref) {
        String name = FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)];
        String phone = String.format("+7%010d", r.nextLong(10_000_000_000L));
        String contact = r.nextInt(3) == 0 ? "{\"phone\": \"" + phone + "\"}"
                : "{\"email\": \"" + name.toLowerCase().replace(' ', '.') + "@example.com\", \"phone\": \"" + phone + "\"}";
        return new Ticket(no, ref, String.format("%04d %06d", r.nextInt(10_000), r.nextInt(1_000_000)), name, contact);
    }

    private static String uniqueRef(Random r, Set<String> refs) {
        while (true) {
            String ref = String.format("%06X", r.nextInt(0x1000000));
            if (refs.add(ref)) {
                return ref;
            }
        }
    }

    private static String pick(Random r, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int x = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return STATUSES.get(i);
            }
        }
        return STATUSES.get(0);
    }

    private static double round(double v, int digits) {
        return BigDecimal.valueOf(v).setScale(digits, java.math.RoundingMode.HALF_UP).doubleValue();
    }
}
