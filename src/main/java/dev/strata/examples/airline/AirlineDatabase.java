package dev.strata.examples.airline;

import dev.strata.config.CdcSourceSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The airline's operational database on the source PostgreSQL (scenario 000 §3.1): the 8 tables
 * with their keys and foreign keys, each {@code REPLICA IDENTITY FULL} (§3.2: updates and deletes
 * carry the whole old row in {@code before}). Connects with the host, port, database, user and
 * password of the project's {@code cdc} source, so it fills exactly what the pipeline captures.
 */
public final class AirlineDatabase {
    /** The source tables, parents before children (the order they are created and filled in). */
    public static final List<String> TABLES = List.of("airports", "aircrafts", "seats", "flights", "bookings", "tickets",
            "ticket_flights", "boarding_passes");
    /** Each table's primary key, for ordered checksums. */
    public static final Map<String, String> KEYS = Map.of("airports", "airport_code", "aircrafts", "aircraft_code",
            "seats", "aircraft_code, seat_no", "flights", "flight_id", "bookings", "book_ref", "tickets", "ticket_no",
            "ticket_flights", "ticket_no, flight_id", "boarding_passes", "ticket_no, flight_id");
    private static final List<String> DDL = List.of(
            "CREATE TABLE airports (airport_code char(3) PRIMARY KEY, airport_name text NOT NULL, city text NOT NULL, "
                    + "coordinates_lon float8 NOT NULL, coordinates_lat float8 NOT NULL, timezone text NOT NULL)",
            "CREATE TABLE aircrafts (aircraft_code char(3) PRIMARY KEY, model jsonb NOT NULL, range int NOT NULL "
                    + "CHECK (range > 0))",
            "CREATE TABLE seats (aircraft_code char(3) NOT NULL REFERENCES aircrafts, seat_no varchar(4) NOT NULL, "
                    + "fare_conditions varchar(10) NOT NULL CHECK (fare_conditions IN ('Economy', 'Comfort', 'Business')), "
                    + "PRIMARY KEY (aircraft_code, seat_no))",
            "CREATE TABLE flights (flight_id serial PRIMARY KEY, flight_no char(6) NOT NULL, scheduled_departure timestamptz "
                    + "NOT NULL, scheduled_arrival timestamptz NOT NULL, departure_airport char(3) NOT NULL REFERENCES airports, "
                    + "arrival_airport char(3) NOT NULL REFERENCES airports, status varchar(20) NOT NULL, aircraft_code char(3) "
                    + "NOT NULL REFERENCES aircrafts, actual_departure timestamptz, actual_arrival timestamptz, "
                    + "CHECK (scheduled_arrival > scheduled_departure), CHECK (departure_airport <> arrival_airport))",
            "CREATE TABLE bookings (book_ref char(6) PRIMARY KEY, book_date timestamptz NOT NULL, total_amount numeric(10,2) "
                    + "NOT NULL)",
            "CREATE TABLE tickets (ticket_no char(13) PRIMARY KEY, book_ref char(6) NOT NULL REFERENCES bookings, "
                    + "passenger_id varchar(20) NOT NULL, passenger_name text NOT NULL, contact_data jsonb)",
            "CREATE TABLE ticket_flights (ticket_no char(13) NOT NULL REFERENCES tickets, flight_id int NOT NULL REFERENCES "
                    + "flights, fare_conditions varchar(10) NOT NULL, amount numeric(10,2) NOT NULL CHECK (amount >= 0), "
                    + "PRIMARY KEY (ticket_no, flight_id))",
            "CREATE TABLE boarding_passes (ticket_no char(13) NOT NULL, flight_id int NOT NULL, boarding_no int NOT NULL, "
                    + "seat_no varchar(4) NOT NULL, PRIMARY KEY (ticket_no, flight_id), UNIQUE (flight_id, boarding_no), "
                    + "UNIQUE (flight_id, seat_no), FOREIGN KEY (ticket_no, flight_id) REFERENCES ticket_flights)");

    private final String url;
    private final String user;
    private final String password;

    public AirlineDatabase(CdcSourceSpec spec) {
        this("jdbc:postgresql://" + spec.host() + ":" + spec.port() + "/" + spec.database(), spec.user(),
                spec.password().reveal());
    }

    public AirlineDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public String url() {
        return url;
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection(url, p);
    }

    /** Creates the schema (REPLICA IDENTITY FULL on every table) and loads {@code rows}, in one transaction. */
    public void create(AirlineData.Rows rows) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String ddl : DDL) {
                    s.execute(ddl);
                }
                for (String t : TABLES) {
                    s.execute("ALTER TABLE public." + t + " REPLICA IDENTITY FULL");
                }
            }
            batch(c, "INSERT INTO airports VALUES (?, ?, ?, ?, ?, ?)", rows.airports(), (ps, a) -> {
                ps.setString(1, a.code());
                ps.setString(2, a.name());
                ps.setString(3, a.city());
                ps.setDouble(4, a.lon());
                ps.setDouble(5, a.lat());
                ps.setString(6, a.timezone());
            });
            batch(c, "INSERT INTO aircrafts VALUES (?, ?::jsonb, ?)", rows.aircrafts(), (ps, a) -> {
                ps.setString(1, a.code());
                ps.setString(2, a.modelJson());
                ps.setInt(3, a.range());
            });
            batch(c, "INSERT INTO seats VALUES (?, ?, ?)", rows.seats(), (ps, x) -> {
                ps.setString(1, x.aircraftCode());
                ps.setString(2, x.seatNo());
                ps.setString(3, x.fareConditions());
            });
            batch(c, "INSERT INTO flights VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.flights(), (ps, f) -> {
                ps.setInt(1, f.id());
                ps.setString(2, f.flightNo());
                ps.setTimestamp(3, ts(f.scheduledDeparture()));
                ps.setTimestamp(4, ts(f.scheduledArrival()));
                ps.setString(5, f.departureAirport());
                ps.setString(6, f.arrivalAirport());
                ps.setString(7, f.status());
                ps.setString(8, f.aircraftCode());
                ps.setTimestamp(9, ts(f.actualDeparture()));
                ps.setTimestamp(10, ts(f.actualArrival()));
            });
            try (Statement s = c.createStatement()) {
                s.execute("SELECT setval('flights_flight_id_seq', (SELECT max(flight_id) FROM flights))");
            }
            insertBookings(c, rows.bookings(), rows.tickets(), rows.ticketFlights());
            batch(c, "INSERT INTO boarding_passes VALUES (?, ?, ?, ?)", rows.boardingPasses(), (ps, b) -> {
                ps.setString(1, b.ticketNo());
                ps.setInt(2, b.flightId());
                ps.setInt(3, b.boardingNo());
                ps.setString(4, b.seatNo());
            });
            c.commit();
        }
    }

    private static void insertBookings(Connection c, List<AirlineData.Booking> bookings, List<AirlineData.Ticket> tickets,
                                       List<AirlineData.TicketFlight> legs) throws SQLException {
        batch(c, "INSERT INTO bookings VALUES (?, ?, ?)", bookings, (ps, b) -> {
            ps.setString(1, b.bookRef());
            ps.setTimestamp(2, ts(b.bookDate()));
            ps.setBigDecimal(3, b.totalAmount());
        });
        batch(c, "INSERT INTO tickets VALUES (?, ?, ?, ?, ?::jsonb)", tickets, (ps, t) -> {
            ps.setString(1, t.ticketNo());
            ps.setString(2, t.bookRef());
            ps.setString(3, t.passengerId());
            ps.setString(4, t.passengerName());
            ps.setString(5, t.contactData());
        });
        batch(c, "INSERT INTO ticket_flights VALUES (?, ?, ?, ?)", legs, (ps, tf) -> {
            ps.setString(1, tf.ticketNo());
            ps.setInt(2, tf.flightId());
            ps.setString(3, tf.fareConditions());
            ps.setBigDecimal(4, tf.amount());
        });
    }

    /**
     * Applies the change script, each change in a transaction of its own and a few milliseconds
     * after the one before, so that every change has its own commit time ({@code source.ts_ms},
     * the vault's {@code load_dt}, has millisecond resolution).
     */
    public void apply(List<AirlineData.Change> changes) throws SQLException, InterruptedException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            for (AirlineData.Change change : changes) {
                apply(c, change);
                c.commit();
                Thread.sleep(5);
            }
        }
    }

    private static void apply(Connection c, AirlineData.Change change) throws SQLException {
        if (change instanceof AirlineData.FlightStatus s) {
            if (s.actualDeparture() == null) {
                update(c, "UPDATE flights SET status = ? WHERE flight_id = ?", s.status(), s.flightId());
            } else {
                update(c, "UPDATE flights SET status = ?, actual_departure = ? WHERE flight_id = ?", s.status(),
                        ts(s.actualDeparture()), s.flightId());
            }
        } else if (change instanceof AirlineData.AirportName n) {
            update(c, "UPDATE airports SET airport_name = ? WHERE airport_code = ?", n.name(), n.code());
        } else if (change instanceof AirlineData.NewBooking b) {
            insertBookings(c, List.of(b.booking()), List.of(b.ticket()), List.of(b.leg()));
        } else if (change instanceof AirlineData.DeleteLeg d) {
            update(c, "DELETE FROM ticket_flights WHERE ticket_no = ? AND flight_id = ?", d.ticketNo(), d.flightId());
        } else if (change instanceof AirlineData.FlightDeparture d) {
            update(c, "UPDATE flights SET departure_airport = ? WHERE flight_id = ?", d.airport(), d.flightId());
        } else if (change instanceof AirlineData.Marker m) {
            update(c, "UPDATE flights SET status = status WHERE flight_id = ?", m.flightId());
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            if (ps.executeUpdate() != 1) {
                throw new SQLException("the change script's statement changed no row: " + sql + " " + List.of(args));
            }
        }
    }

    /** Rows per table as the database has them now. */
    public Map<String, Long> counts() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String t : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM public." + t)) {
                    rs.next();
                    out.put(t, rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** The rows of a query on the source, each column as text. */
    public List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private interface Binder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    private static <T> void batch(Connection c, String sql, List<T> rows, Binder<T> binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (T row : rows) {
                binder.bind(ps, row);
                ps.addBatch();
                if (++n % 5_000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
