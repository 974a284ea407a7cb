package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.SqlErrors;
import java.sql.SQLException;
import java.util.Set;

/**
 * MariaDB error codes and SQL states (its manual's "MariaDB Error Codes"). Many data errors carry
 * the general state {@code HY000} or {@code 22007}, so codes decide where states do not.
 */
final class MariaDbErrors implements SqlErrors {
    static final int DUPLICATE_KEY = 1062;
    /** Deadlock (1213), lock wait timeout (1205), connection killed or lost (1927, 2006, 2013), server shutting down (1053), too many connections (1040). */
    private static final Set<Integer> TRANSIENT = Set.of(1213, 1205, 1927, 2006, 2013, 1053, 1040, 1158, 1159, 1160, 1161);
    /** max_statement_time exceeded; 3024 is MySQL's max_execution_time. */
    private static final Set<Integer> TIMEOUT = Set.of(1969, 3024);
    /**
     * Values a column or function refuses: incorrect value (1366, 1367, 1292, 1411), truncated (1265),
     * too long (1406), out of range (1264, 1690), NULL in a NOT NULL column (1048), a CHECK such as
     * JSON_VALID (4025), invalid JSON (4038, 3140), a foreign key (1451, 1452), a duplicate key (1062, 1586).
     */
    private static final Set<Integer> DATA = Set.of(1366, 1367, 1292, 1411, 1265, 1406, 1264, 1690, 1048, 4025, 4038, 3140,
            1451, 1452, DUPLICATE_KEY, 1586, 1918, 1441);

    @Override
    public boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return (state != null && (state.startsWith("08") || state.equals("40001"))) || TRANSIENT.contains(e.getErrorCode());
    }

    @Override
    public boolean isTimeout(SQLException e) {
        return TIMEOUT.contains(e.getErrorCode()) || "70100".equals(e.getSQLState());
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return e.getErrorCode() == DUPLICATE_KEY || e.getErrorCode() == 1586;
    }

    @Override
    public boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return (state != null && (state.startsWith("22") || state.startsWith("23"))) || DATA.contains(e.getErrorCode());
    }
}
