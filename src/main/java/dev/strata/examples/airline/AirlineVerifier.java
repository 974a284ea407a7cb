package dev.strata.examples.airline;

import dev.strata.examples.Checks;
import dev.strata.vault.HashStandard;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Checks the warehouse against {@link AirlineTruth}, one acceptance item of scenario 000 §9 per
 * check (3–15; 1–2 are the streaming replica's), and items 12–14 also against the seed's SQL run
 * on the source primary.
 */
public final class AirlineVerifier {
    static final String DDS = "dds";
    static final String STG_PREFIX = "stg.airline_";
    /** A satellite row is a deletion: its generated is_deleted is true (the mappings say deleted:). */
    static final String DELETED = "%s.is_deleted";

    /** Each hub: its key columns. */
    static final Map<String, List<String>> HUBS = new LinkedHashMap<>();
    /** Each link: its roles, each with its hub. */
    static final Map<String, Map<String, String>> LINKS = new LinkedHashMap<>();

    static {
        HUBS.put("hub_airport", List.of("airport_code"));
        HUBS.put("hub_aircraft", List.of("aircraft_code"));
        HUBS.put("hub_seat", List.of("aircraft_code", "seat_no"));
        HUBS.put("hub_flight", List.of("flight_id"));
        HUBS.put("hub_booking", List.of("book_ref"));
        HUBS.put("hub_ticket", List.of("ticket_no"));
        LINKS.put("link_flight_departure_airport", roles("flight", "hub_flight", "airport", "hub_airport"));
        LINKS.put("link_flight_arrival_airport", roles("flight", "hub_flight", "airport", "hub_airport"));
        LINKS.put("link_flight_aircraft", roles("flight", "hub_flight", "aircraft", "hub_aircraft"));
        LINKS.put("link_seat_aircraft", roles("seat", "hub_seat", "aircraft", "hub_aircraft"));
        LINKS.put("link_ticket_booking", roles("ticket", "hub_ticket", "booking", "hub_booking"));
        LINKS.put("link_ticket_flight", roles("ticket", "hub_ticket", "flight", "hub_flight"));
    }

    /** A satellite: its parent and each attribute's rendering as text ({@code %s} the column). */
    record Sat(String name, String parent, List<String> attributes) {
    }

    static final List<Sat> SATS = List.of(
            new Sat("sat_airport", "hub_airport", List.of("s.airport_name", "s.city", "cast(s.coordinates_lon as text)",
                    "cast(s.coordinates_lat as text)", "s.timezone")),
            new Sat("sat_aircraft", "hub_aircraft", List.of("cast(s.model as text)", "cast(s.range as text)")),
            new Sat("sat_seat", "hub_seat", List.of("s.fare_conditions")),
            new Sat("sat_flight", "hub_flight", List.of("s.flight_no", ts("s.scheduled_departure"), ts("s.scheduled_arrival"),
                    "s.status", ts("s.actual_departure"), ts("s.actual_arrival"))),
            new Sat("sat_booking", "hub_booking", List.of(ts("s.book_date"), "cast(s.total_amount as text)")),
            new Sat("sat_ticket", "hub_ticket", List.of("s.passenger_id", "s.passenger_name", "cast(s.contact_data as text)")),
            new Sat("sat_ticket_flight", "link_ticket_flight", List.of("s.fare_conditions", "cast(s.amount as text)")),
            new Sat("sat_boarding_pass", "link_ticket_flight", List.of("cast(s.boarding_no as text)", "s.seat_no")));
    /** Attributes holding JSON, by satellite: compared with their keys sorted. */
    static final Map<String, Integer> JSON_ATTRIBUTE = Map.of("sat_aircraft", 0, "sat_ticket", 2);

    private final Warehouse warehouse;
    private final AirlineDatabase source;

    public AirlineVerifier(Warehouse warehouse, AirlineDatabase source) {
        this.warehouse = warehouse;
        this.source = source;
    }

    private static Map<String, String> roles(String r1, String h1, String r2, String h2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(r1, h1);
        m.put(r2, h2);
        return m;
    }

    private static String ts(String column) {
        return "to_char(" + column + " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')";
    }

    /** 3: every change event landed once. */
    public void stg(AirlineTruth truth, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Map<String, Integer>> e : truth.events().entrySet()) {
            String table = STG_PREFIX + e.getKey();
            Map<String, Integer> landed = new TreeMap<>();
            for (List<String> r : rows("SELECT _payload->>'op', count(*) FROM " + table + " GROUP BY 1")) {
                landed.put(r.get(0), Integer.parseInt(r.get(1)));
            }
            if (!landed.equals(e.getValue())) {
                diffs.add(table + ": events by op " + landed + ", expected " + e.getValue());
            }
            long n = count("SELECT count(*) FROM " + table);
            long distinct = count("SELECT count(*) FROM (SELECT DISTINCT _partition, _offset FROM " + table + ") x");
            if (n != distinct) {
                diffs.add(table + ": " + n + " rows but " + distinct + " distinct (_partition, _offset)");
            }
            total += n;
        }
        checks.check("3", diffs, String.format("STG completeness: the 8 stg.airline_* tables hold %,d change events, "
                + "exactly the snapshot's rows (op r) plus the script's inserts, updates and deletes, per table and op, "
                + "each unique by (_partition, _offset)", total));
    }

    /**
     * 4: every change delivered again lands nothing. Each STG row is written again under a new
     * {@code _seq} (the landing numbers what it lands), so only the row's identity, its source
     * position, can refuse it: the warehouse must answer with a unique violation and the table
     * must keep its row count. Plain SQL, so the same check runs on every warehouse.
     */
    public void stgReplay(Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        long total = 0;
        for (String t : AirlineDatabase.TABLES) {
            String table = STG_PREFIX + t;
            long before = count("SELECT count(*) FROM " + table);
            List<String> columns = new ArrayList<>();
            for (List<String> r : rows("SELECT column_name FROM information_schema.columns WHERE table_schema = 'stg' "
                    + "AND table_name = 'airline_" + t + "' AND column_name <> '_seq' ORDER BY ordinal_position")) {
                columns.add(warehouse.sql().quote(r.get(0)));
            }
            String cols = String.join(", ", columns);
            try {
                execute("INSERT INTO " + table + " (_seq, " + cols + ") SELECT (SELECT max(_seq) FROM " + table + ") + "
                        + "row_number() OVER (ORDER BY _seq), " + cols + " FROM " + table);
                if (before > 0) {
                    diffs.add(table + ": the replay of " + before + " changes was accepted (no identity refused it)");
                }
            } catch (SQLException e) {
                if (!warehouse.errors().isUniqueViolation(e)) {
                    throw e;
                }
            }
            long after = count("SELECT count(*) FROM " + table);
            if (after != before) {
                diffs.add(table + ": " + before + " rows, " + after + " after the replay");
            }
            total += before;
        }
        checks.check("4", diffs, String.format("STG idempotency: all %,d change events delivered again, as a re-read from the "
                + "start would deliver them: each refused by its position's unique identity, every stg.airline_* row "
                + "count unchanged (each change lands once by its position)", total));
    }

    /** 5 and 6: hubs hold every key ever observed, once; every hash key is the standard's hash of its business key. */
    public void hubs(AirlineTruth truth, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        long rows = 0;
        Map<String, Set<List<String>>> expected = truth.hubKeys();
        for (Map.Entry<String, List<String>> h : HUBS.entrySet()) {
            List<List<String>> stored = rows("SELECT " + h.getKey() + "_hk, " + String.join(", ", h.getValue().stream()
                    .map(c -> "cast(" + c + " as text)").toList()) + " FROM " + DDS + "." + h.getKey());
            Set<List<String>> keys = new HashSet<>();
            for (List<String> r : stored) {
                List<String> key = r.subList(1, r.size());
                keys.add(key);
                if (!UUID.fromString(r.get(0)).equals(HashStandard.hashKey(key))) {
                    hashes.add(h.getKey() + " " + key + ": " + r.get(0) + ", expected " + HashStandard.hashKey(key));
                }
            }
            rows += stored.size();
            if (keys.size() != stored.size() || !keys.equals(expected.get(h.getKey()))) {
                Set<List<String>> missing = new HashSet<>(expected.get(h.getKey()));
                missing.removeAll(keys);
                Set<List<String>> extra = new HashSet<>(keys);
                extra.removeAll(expected.get(h.getKey()));
                diffs.add(h.getKey() + ": " + stored.size() + " rows, " + keys.size() + " keys, expected "
                        + expected.get(h.getKey()).size() + "; missing " + first(missing) + ", unexpected " + first(extra));
            }
        }
        checks.check("5", diffs, String.format("hub completeness: the 6 hubs (%,d rows) hold exactly one row per business key "
                + "ever observed in any table that references it", rows));
        long links = 0;
        for (Map.Entry<String, Map<String, String>> l : LINKS.entrySet()) {
            List<List<String>> stored = linkRows(l.getKey(), l.getValue());
            for (List<String> r : stored) {
                List<String> key = r.subList(1, r.size());
                if (!UUID.fromString(r.get(0)).equals(HashStandard.hashKey(key))) {
                    hashes.add(l.getKey() + " " + key + ": " + r.get(0) + ", expected " + HashStandard.hashKey(key));
                }
            }
            links += stored.size();
        }
        checks.check("6", hashes, String.format("hash determinism: the hash key of each of the %,d hub rows and %,d link rows "
                + "equals Strata's standard MD5 of its business key(s), computed here in Java (links: over their hubs' keys, "
                + "role by role)", rows, links));
    }

    /** The link's hash key and its hubs' business keys, role by role. */
    private List<List<String>> linkRows(String link, Map<String, String> roles) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT l." + link + "_hk");
        StringBuilder from = new StringBuilder(" FROM " + DDS + "." + link + " l");
        int i = 0;
        for (Map.Entry<String, String> r : roles.entrySet()) {
            String alias = "h" + i++;
            for (String c : HUBS.get(r.getValue())) {
                select.append(", cast(").append(alias).append('.').append(c).append(" as text)");
            }
            from.append(" LEFT JOIN ").append(DDS).append('.').append(r.getValue()).append(' ').append(alias).append(" ON ")
                    .append(alias).append('.').append(r.getValue()).append("_hk = l.").append(r.getKey()).append("_hk");
        }
        return rows(select.toString() + from);
    }

    /** 7: links hold every pair ever observed; the effectivity satellites' current rows are the source's current pairings. */
    public void links(AirlineTruth truth, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        Map<String, Set<List<String>>> expected = truth.linkKeys();
        long rows = 0;
        for (Map.Entry<String, Map<String, String>> l : LINKS.entrySet()) {
            List<List<String>> stored = linkRows(l.getKey(), l.getValue());
            Set<List<String>> keys = new HashSet<>();
            stored.forEach(r -> keys.add(r.subList(1, r.size())));
            rows += stored.size();
            if (keys.size() != stored.size() || !keys.equals(expected.get(l.getKey()))) {
                Set<List<String>> missing = new HashSet<>(expected.get(l.getKey()));
                missing.removeAll(keys);
                Set<List<String>> extra = new HashSet<>(keys);
                extra.removeAll(expected.get(l.getKey()));
                diffs.add(l.getKey() + ": " + stored.size() + " rows, expected " + expected.get(l.getKey()).size()
                        + "; missing " + first(missing) + ", unexpected " + first(extra));
            }
        }
        long twice = count("SELECT count(*) FROM (SELECT flight_hk FROM " + DDS + ".link_flight_departure_airport GROUP BY "
                + "flight_hk HAVING count(*) = 2) x");
        if (twice != 1) {
            diffs.add(twice + " flights with 2 link_flight_departure_airport rows, expected 1 (the one whose departure changed)");
        }
        Map<String, List<String>> current = truth.currentPairings();
        String[][] effs = {{"sat_eff_flight_departure_airport", "link_flight_departure_airport", "hub_airport", "airport",
                "airport_code"}, {"sat_eff_flight_arrival_airport", "link_flight_arrival_airport", "hub_airport", "airport",
                "airport_code"}, {"sat_eff_flight_aircraft", "link_flight_aircraft", "hub_aircraft", "aircraft", "aircraft_code"}};
        for (int k = 0; k < effs.length; k++) {
            String[] e = effs[k];
            Map<String, String> found = new HashMap<>();
            for (List<String> r : rows("SELECT cast(f.flight_id as text), p." + e[4] + " FROM " + DDS + "." + e[0] + " s JOIN "
                    + DDS + "." + e[1] + " l ON l." + e[1] + "_hk = s." + e[1] + "_hk JOIN " + DDS + ".hub_flight f ON "
                    + "f.hub_flight_hk = s.flight_hk JOIN " + DDS + "." + e[2] + " p ON p." + e[2] + "_hk = l." + e[3]
                    + "_hk WHERE s.is_current")) {
                if (found.put(r.get(0), r.get(1)) != null) {
                    diffs.add(e[0] + ": flight " + r.get(0) + " has two current rows");
                }
            }
            int col = k;
            List<String> wrong = new ArrayList<>();
            current.forEach((flight, pair) -> {
                if (!pair.get(col).equals(found.get(flight))) {
                    wrong.add("flight " + flight + ": " + found.get(flight) + ", source " + pair.get(col));
                }
            });
            if (!wrong.isEmpty() || found.size() != current.size()) {
                diffs.add(e[0] + ": " + wrong.size() + " flights' current partner differs from the source (" + first(wrong)
                        + "), " + found.size() + " current rows for " + current.size() + " flights");
            }
        }
        checks.check("7", diffs, String.format("link completeness: the 6 links (%,d rows) hold exactly one row per key pair "
                + "ever observed; the flight whose departure airport changed has 2 link_flight_departure_airport rows; "
                + "for each of the %d flights the current effectivity rows give the source's current departure airport, "
                + "arrival airport and aircraft", rows, current.size()));
    }

    /** 8: no two consecutive identical versions; the latest version is the source's row, or a deletion. */
    public void satellites(AirlineTruth truth, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        Map<String, Map<List<String>, List<String>>> expected = truth.latestVersions();
        long parents = 0;
        for (Sat s : SATS) {
            String parentHk = s.parent() + "_hk";
            long repeats = count("SELECT count(*) FROM (SELECT hashdiff, " + String.format(DELETED, "s") + " AS d, "
                    + "lag(hashdiff) OVER w AS prev_hashdiff, lag(" + String.format(DELETED, "s") + ") OVER w AS prev_d FROM "
                    + DDS + "." + s.name() + " s WINDOW w AS (PARTITION BY s." + parentHk + " ORDER BY s.load_dt)) x "
                    + "WHERE hashdiff = prev_hashdiff AND d = prev_d");
            if (repeats > 0) {
                diffs.add(s.name() + ": " + repeats + " versions equal to the one before them");
            }
            List<String> keyColumns = new ArrayList<>();
            String join;
            if (s.parent().startsWith("hub_")) {
                HUBS.get(s.parent()).forEach(c -> keyColumns.add("cast(p." + c + " as text)"));
                join = " JOIN " + DDS + "." + s.parent() + " p ON p." + parentHk + " = s." + parentHk;
            } else {
                keyColumns.add("t.ticket_no");
                keyColumns.add("cast(f.flight_id as text)");
                join = " JOIN " + DDS + ".link_ticket_flight p ON p.link_ticket_flight_hk = s.link_ticket_flight_hk JOIN " + DDS
                        + ".hub_ticket t ON t.hub_ticket_hk = p.ticket_hk JOIN " + DDS + ".hub_flight f ON f.hub_flight_hk = "
                        + "p.flight_hk";
            }
            int keys = keyColumns.size();
            Map<List<String>, List<String>> found = new HashMap<>();
            for (List<String> r : rows("SELECT " + String.join(", ", keyColumns) + ", " + String.join(", ", s.attributes())
                    + ", CASE WHEN " + String.format(DELETED, "s") + " THEN 'deleted' ELSE 'live' END FROM (SELECT v.*, "
                    + "row_number() OVER (PARTITION BY v." + parentHk + " ORDER BY v.load_dt DESC) AS rn FROM " + DDS + "."
                    + s.name() + " v) s" + join + " WHERE s.rn = 1")) {
                List<String> values = new ArrayList<>(r.subList(keys, r.size()));
                Integer json = JSON_ATTRIBUTE.get(s.name());
                if (json != null && values.get(json) != null) {
                    values.set(json, AirlineTruth.json(values.get(json)));
                }
                found.put(List.copyOf(r.subList(0, keys)), values);
            }
            Map<List<String>, List<String>> want = expected.get(s.name());
            List<String> wrong = new ArrayList<>();
            want.forEach((k, v) -> {
                if (!v.equals(found.get(k))) {
                    wrong.add(k + ": " + found.get(k) + ", expected " + v);
                }
            });
            if (!wrong.isEmpty() || found.size() != want.size()) {
                diffs.add(s.name() + ": " + wrong.size() + " latest versions differ (" + first(wrong) + "); " + found.size()
                        + " parents, expected " + want.size());
            }
            parents += want.size();
        }
        long deleted = expected.get("sat_ticket_flight").values().stream().filter(v -> v.get(v.size() - 1).equals("deleted")).count();
        if (deleted != truth.deletedLegs().size()) {
            diffs.add(deleted + " deleted legs expected, the script deleted " + truth.deletedLegs().size());
        }
        checks.check("8", diffs, String.format("satellite history: in the 8 satellites no version repeats the one before it "
                + "(hashdiff and is_deleted); the latest version of each of the %,d parents equals the source's current row, "
                + "and for the %d deleted ticket_flights rows it is a deletion", parents, deleted));
    }

    /** 9: the vault loaded again into {@code other} in reverse order has the same rows; nothing references a missing hub. */
    public void orderIndependence(String other, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        List<String> tables = new ArrayList<>(HUBS.keySet());
        tables.addAll(LINKS.keySet());
        SATS.forEach(s -> tables.add(s.name()));
        tables.addAll(List.of("sat_eff_flight_departure_airport", "sat_eff_flight_arrival_airport", "sat_eff_flight_aircraft"));
        long rows = 0;
        for (String t : tables) {
            long a = count("SELECT count(*) FROM (SELECT * FROM " + DDS + "." + t + " EXCEPT SELECT * FROM " + other + "." + t + ") x");
            long b = count("SELECT count(*) FROM (SELECT * FROM " + other + "." + t + " EXCEPT SELECT * FROM " + DDS + "." + t + ") x");
            long n = count("SELECT count(*) FROM " + DDS + "." + t);
            long m = count("SELECT count(*) FROM " + other + "." + t);
            if (a + b > 0 || n != m) {
                diffs.add(t + ": " + n + " rows in " + DDS + ", " + m + " in " + other + "; " + a + " only in " + DDS + ", " + b
                        + " only in " + other);
            }
            rows += n;
        }
        for (Map.Entry<String, Map<String, String>> l : LINKS.entrySet()) {
            for (Map.Entry<String, String> r : l.getValue().entrySet()) {
                long orphans = count("SELECT count(*) FROM " + DDS + "." + l.getKey() + " l WHERE NOT EXISTS (SELECT 1 FROM " + DDS
                        + "." + r.getValue() + " h WHERE h." + r.getValue() + "_hk = l." + r.getKey() + "_hk)");
                if (orphans > 0) {
                    diffs.add(l.getKey() + ": " + orphans + " rows whose " + r.getKey() + " is not in " + r.getValue());
                }
            }
        }
        for (Sat s : SATS) {
            long orphans = count("SELECT count(*) FROM " + DDS + "." + s.name() + " s WHERE NOT EXISTS (SELECT 1 FROM " + DDS + "."
                    + s.parent() + " p WHERE p." + s.parent() + "_hk = s." + s.parent() + "_hk)");
            if (orphans > 0) {
                diffs.add(s.name() + ": " + orphans + " rows whose parent is not in " + s.parent());
            }
        }
        checks.check("9", diffs, String.format("order independence: the vault loaded again from STG into %s with every target "
                + "in reverse order (satellites and links of boarding_passes first, hubs of airports last) has the same %d "
                + "tables, row for row (%,d rows); no link or satellite row references a missing hub", other, tables.size(), rows));
    }

    /** Row counts of every vault table. */
    public Map<String, Long> vaultCounts() throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        for (List<String> r : rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + DDS + "'")) {
            m.put(r.get(0), count("SELECT count(*) FROM " + DDS + "." + r.get(0)));
        }
        return m;
    }

    /** The mart as rows of text, by airport code. */
    public List<List<String>> mart() throws SQLException {
        return rows("SELECT airport_code, cast(departure_flights_num as text), cast(departure_psngr_num as text), "
                + "cast(arrival_flights_num as text), cast(arrival_psngr_num as text) FROM cdm.airport_traffic ORDER BY 1");
    }

    /** MD5 over the mart's rows by airport code (fields by a tab, rows by a newline), computed here on every warehouse. */
    public String martChecksum() throws SQLException {
        java.security.MessageDigest md5;
        try {
            md5 = java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (List<String> r : mart()) {
            md5.update((String.join("\t", r.stream().map(v -> v == null ? "\\N" : v).toList()) + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return java.util.HexFormat.of().formatHex(md5.digest());
    }

    /** The seed's 3-CTE script (§5.4), on the source primary. */
    static final String SEED_SQL = """
            WITH flight_info AS (
                SELECT f.flight_id, f.departure_airport, f.arrival_airport, COUNT(tf.ticket_no) AS pass_num
                FROM flights f LEFT JOIN ticket_flights tf ON tf.flight_id = f.flight_id
                GROUP BY f.flight_id, f.departure_airport, f.arrival_airport
            ),
            dep_info AS (
                SELECT a.airport_code, COUNT(fi.flight_id) AS departure_flights_num,
                       COALESCE(SUM(fi.pass_num), 0) AS departure_psngr_num
                FROM airports a LEFT JOIN flight_info fi ON fi.departure_airport = a.airport_code
                GROUP BY a.airport_code
            ),
            arr_info AS (
                SELECT a.airport_code, COUNT(fi.flight_id) AS arrival_flights_num,
                       COALESCE(SUM(fi.pass_num), 0) AS arrival_psngr_num
                FROM airports a LEFT JOIN flight_info fi ON fi.arrival_airport = a.airport_code
                GROUP BY a.airport_code
            )
            SELECT d.airport_code, d.departure_flights_num, d.departure_psngr_num, r.arrival_flights_num, r.arrival_psngr_num
            FROM dep_info d JOIN arr_info r ON r.airport_code = d.airport_code
            ORDER BY 1
            """;

    /** Item 12's definitions, each its own count on the source. */
    static final String ITEM12_SQL = """
            SELECT a.airport_code,
                   (SELECT count(*) FROM flights WHERE departure_airport = a.airport_code),
                   (SELECT count(*) FROM ticket_flights tf JOIN flights f USING (flight_id) WHERE f.departure_airport = a.airport_code),
                   (SELECT count(*) FROM flights WHERE arrival_airport = a.airport_code),
                   (SELECT count(*) FROM ticket_flights tf JOIN flights f USING (flight_id) WHERE f.arrival_airport = a.airport_code)
            FROM airports a ORDER BY 1
            """;

    /** 11–14: the mart's shape, values, totals, and equality with the seed's SQL on the source. */
    public void mart(AirlineTruth truth, Checks checks) throws SQLException {
        List<List<String>> mart = mart();
        Map<String, AirlineTruth.Traffic> want = truth.traffic();
        List<List<String>> expected = new ArrayList<>();
        want.forEach((code, t) -> {
            List<String> r = new ArrayList<>(List.of(code));
            r.addAll(t.texts());
            expected.add(r);
        });
        List<String> shape = new ArrayList<>();
        List<String> codes = mart.stream().map(r -> r.get(0)).toList();
        if (!codes.equals(List.copyOf(want.keySet()))) {
            shape.add("airports " + codes + ", expected " + want.keySet());
        }
        List<String> idle = want.entrySet().stream().filter(e -> e.getValue().departureFlights() + e.getValue().arrivalFlights() == 0)
                .map(Map.Entry::getKey).toList();
        for (List<String> r : mart) {
            if (idle.contains(r.get(0)) && !r.subList(1, 5).equals(List.of("0", "0", "0", "0"))) {
                shape.add(r.get(0) + " has no flights but " + r.subList(1, 5));
            }
        }
        if (idle.isEmpty()) {
            shape.add("the fixture has no airport without flights");
        }
        checks.check("11", shape, String.format("mart shape: cdm.airport_traffic has one row per current airport (%d), and the "
                + "%d airports without flights (%s) have all four counters 0", mart.size(), idle.size(), String.join(", ", idle)));
        List<List<String>> item12 = source.rows(ITEM12_SQL);
        List<String> values = new ArrayList<>(differences(mart, expected, "the truth computed in Java"));
        values.addAll(differences(mart, item12, "item 12's counts on the source"));
        checks.check("12", values, "mart values: every airport's 4 counters equal the truth computed in Java from the "
                + "generator's rows and change script, and item 12's counts run on the source primary");
        long flights = truth.current().flights().size();
        long legs = truth.current().ticketFlights().size();
        long[] sums = new long[4];
        mart.forEach(r -> {
            for (int i = 0; i < 4; i++) {
                sums[i] += Long.parseLong(r.get(i + 1));
            }
        });
        long sourceFlights = Long.parseLong(source.rows("SELECT count(*) FROM flights").get(0).get(0));
        long sourceLegs = Long.parseLong(source.rows("SELECT count(*) FROM ticket_flights").get(0).get(0));
        boolean totals = sums[0] == flights && sums[2] == flights && sums[1] == legs && sums[3] == legs
                && sourceFlights == flights && sourceLegs == legs;
        checks.check("13", totals, String.format("mart totals: Σ departure_flights_num = Σ arrival_flights_num = %d (flights: "
                        + "%d in the truth, %d on the source); Σ departure_psngr_num = %d, Σ arrival_psngr_num = %d (ticket_flights: "
                        + "%d in the truth, %d on the source)", sums[0], flights, sourceFlights, sums[1], sums[3], legs,
                sourceLegs) + (totals ? "" : " — Σ arrival_flights_num = " + sums[2]));
        List<List<String>> seed = source.rows(SEED_SQL);
        checks.check("14", differences(mart, seed, "the seed's SQL on the source"), String.format("mart from DDS: "
                + "cdm.airport_traffic, computed from the vault, is row for row the seed's 3-CTE script run on the source "
                + "primary (%d rows), once capture delivered the marker update", seed.size()));
    }

    static List<String> differences(List<List<String>> actual, List<List<String>> expected, String what) {
        List<String> d = new ArrayList<>();
        Map<String, List<String>> a = new TreeMap<>();
        actual.forEach(r -> a.put(r.get(0), r));
        Map<String, List<String>> e = new TreeMap<>();
        expected.forEach(r -> e.put(r.get(0), r));
        Set<String> all = new HashSet<>(a.keySet());
        all.addAll(e.keySet());
        all.stream().sorted().forEach(k -> {
            if (!java.util.Objects.equals(a.get(k), e.get(k))) {
                d.add(k + ": mart " + a.get(k) + ", " + what + " " + e.get(k));
            }
        });
        return d;
    }

    private static String first(java.util.Collection<?> c) {
        return c.isEmpty() ? "none" : c.stream().limit(3).toList() + (c.size() > 3 ? " and " + (c.size() - 3) + " more" : "");
    }

    long count(String sql) throws SQLException {
        return Long.parseLong(rows(sql).get(0).get(0));
    }

    void execute(String sql) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        } catch (SQLException e) {
            throw new SQLException(e.getMessage() + " (in: " + sql + ")", e.getSQLState(), e);
        }
        return out;
    }
}
