package dev.strata.objects;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.marts.SqlStatements;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a project's SQL objects idempotently. For each object, in order, one transaction: take
 * the pipeline's object lock (concurrent deployers take turns), compare the file's checksum with
 * the one recorded in {@code strata.deployed_objects}, and only when it differs (or the object is
 * new) run the file's statements and record the new checksum. On a warehouse with transactional
 * DDL the object and its checksum commit together; on one without, the statements commit on their
 * own and a crash before the checksum is recorded runs them again next time — so an object's file
 * must be safe to run twice ({@code CREATE OR REPLACE}, or {@code DROP … IF EXISTS} then
 * {@code CREATE}). A failing file stops the deployment with the warehouse's message at its
 * file:line:column; the objects before it stay deployed. An object removed from the project is
 * left in the warehouse (Strata does not know how to drop it) and reported.
 */
public final class ObjectDeployer {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectDeployer.class);

    /** What happened to one object. */
    public enum State {
        NEW, CHANGED, UNCHANGED;

        public String word() {
            return name().toLowerCase();
        }
    }

    /** The outcome for one object; {@code state} NEW and CHANGED mean its file ran. */
    public record Outcome(String name, String file, State state) {
        public boolean deployed() {
            return state != State.UNCHANGED;
        }
    }

    private ObjectDeployer() {
    }

    /** Deploys what changed; returns one outcome per object, in order. */
    public static List<Outcome> deploy(Warehouse w, String pipeline, ProjectObjects objects) {
        List<Outcome> out = new ArrayList<>();
        for (WarehouseObject o : objects.objects()) {
            out.add(deployOne(w, pipeline, o));
        }
        try {
            for (String gone : recordedNames(w, pipeline)) {
                if (objects.objects().stream().noneMatch(o -> o.name().equals(gone))) {
                    LOG.warn("object {} was deployed earlier but is no longer in the project; it is left in the warehouse", gone);
                }
            }
        } catch (SQLException e) {
            LOG.debug("could not list deployed objects: {}", e.getMessage());
        }
        return out;
    }

    private static Outcome deployOne(Warehouse w, String pipeline, WarehouseObject o) {
        try {
            return w.inTransaction(c -> {
                w.locks().lockForTransaction(c, LockKeys.of("objects:" + pipeline));
                String recorded = recorded(c, pipeline, o.name());
                if (o.checksum().equals(recorded)) {
                    return new Outcome(o.name(), o.file(), State.UNCHANGED);
                }
                for (SqlStatements.Statement st : ObjectScript.split(o.text())) {
                    try (Statement s = c.createStatement()) {
                        s.execute(st.text());
                    } catch (SQLException e) {
                        throw new StrataException(ErrorCode.WAREHOUSE, located(w, o, st, e), e);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(w.sql().upsert("strata.deployed_objects",
                        List.of("pipeline", "name", "file", "checksum", "deployed_at"), "VALUES (?, ?, ?, ?, ?)",
                        List.of("pipeline", "name"), List.of("file", "checksum", "deployed_at")))) {
                    ps.setString(1, pipeline);
                    ps.setString(2, o.name());
                    ps.setString(3, o.file());
                    ps.setString(4, o.checksum());
                    ps.setObject(5, OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                State state = recorded == null ? State.NEW : State.CHANGED;
                LOG.info("deployed object {} from {} ({})", o.name(), o.file(), state.word());
                return new Outcome(o.name(), o.file(), state);
            });
        } catch (SQLException e) {
            throw new StrataException(w.errors().isTransient(e) ? ErrorCode.WAREHOUSE_UNAVAILABLE : ErrorCode.WAREHOUSE,
                    "cannot deploy object " + o.name() + " (" + o.file() + "): " + e.getMessage(), e);
        }
    }

    private static String recorded(Connection c, String pipeline, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT checksum FROM strata.deployed_objects WHERE pipeline = ? AND name = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<String> recordedNames(Warehouse w, String pipeline) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name FROM strata.deployed_objects WHERE pipeline = ? ORDER BY name")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The warehouse's error at the file, line and column it names in the object's file, with the line shown. */
    static String located(Warehouse w, WarehouseObject o, SqlStatements.Statement st, SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        int nl = message.indexOf('\n');
        String first = nl < 0 ? message : message.substring(0, nl);
        OptionalInt pos = w.errors().position(e);
        if (pos.isEmpty()) {
            pos = OptionalInt.of(1 + Math.max(0, dev.strata.marts.SqlStatements.firstToken(st.text())));
        }
        int offset = Math.max(0, Math.min(o.text().length(), st.start() + pos.getAsInt() - 1));
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (o.text().charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int end = o.text().indexOf('\n', lineStart);
        String text = o.text().substring(lineStart, end < 0 ? o.text().length() : end).replace("\r", "");
        String number = String.valueOf(line);
        int column = offset - lineStart + 1;
        return o.file() + ":" + line + ":" + column + ": cannot deploy object " + o.name() + ": " + first + "\n"
                + "    " + number + " | " + text + "\n" + "    " + " ".repeat(number.length()) + " | "
                + " ".repeat(Math.max(0, column - 1)) + "^";
    }
}
