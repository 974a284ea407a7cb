package dev.strata.warehouse;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Capability: bulk-loading CSV rows (RFC 4180, header-less, UTF-8, empty unquoted field = NULL)
 * into a table inside the caller's transaction — landing's fast path (PostgreSQL {@code COPY};
 * MySQL/MariaDB {@code LOAD DATA LOCAL INFILE} from a stream, or multi-row inserts).
 *
 * <p><b>The landing CSV.</b> Every loader reads these field forms into a column of the matching
 * {@link SourceType} (an adapter whose database reads a form otherwise converts it on the way;
 * the contract suite loads each form):
 * <ul>
 *   <li>NULL: an empty unquoted field; text: quoted where it holds {@code ,}, {@code "} or a line
 *       break (an empty string always as {@code ""}), quotes doubled; JSON: its text, as text;</li>
 *   <li>integers and decimals: plain digits with an optional sign and point, no exponent;
 *       doubles: also with an exponent ({@code 1.5e+20});</li>
 *   <li>booleans: {@code 1} / {@code 0};</li>
 *   <li>dates: {@code 2024-01-31}; timestamps without zone: {@code 2024-01-31 12:00:00[.ffffff]};
 *       timestamps with zone: the same followed by an offset — {@code +00}, {@code +02:00} or
 *       {@code Z}; a {@code T} may replace the space;</li>
 *   <li>bytes: {@code \x} followed by two hex digits per byte.</li>
 * </ul>
 *
 * <p>What the caller gets when a row's unique key is already in the table is the contract, because
 * databases differ ({@code COPY} aborts on the first duplicate, {@code LOAD DATA} skips or replaces
 * with {@code IGNORE}/{@code REPLACE} and errors otherwise):
 * <ul>
 *   <li>{@link #load}: every row is inserted and the count returned, or it throws and the caller
 *       must roll back (to a savepoint taken before the call, or the whole transaction); a
 *       unique-key conflict is then an exception for which {@link SqlErrors#isUniqueViolation}
 *       holds, a bad value one for which {@link SqlErrors#isDataError} holds. Never a partial load,
 *       never a silently skipped row.</li>
 *   <li>{@link #loadUnlessConflict}: every row inserted (true), or — when any row conflicts with a
 *       unique key — nothing of this call inserted and false, with the transaction still usable.
 *       Other failures throw as for {@code load}.</li>
 * </ul>
 */
public interface BulkLoad {
    /** What the warehouse calls this load, for reports (e.g. {@code COPY}). */
    default String describe() {
        return "bulk load";
    }

    /** Loads every row of {@code csv} into {@code qualifiedTable(columns)}; returns the row count. */
    long load(Connection connection, String qualifiedTable, List<String> columns, InputStream csv) throws SQLException;

    /** Loads every row, or none and returns false when a row's unique key already exists. */
    boolean loadUnlessConflict(Connection connection, String qualifiedTable, List<String> columns, InputStream csv)
            throws SQLException;
}
