package dev.strata.warehouse.postgres;

import dev.strata.warehouse.SqlErrors;
import java.sql.SQLException;

/** PostgreSQL SQL states (Appendix A of its manual). */
final class PostgresErrors implements SqlErrors {
    static final String UNIQUE_VIOLATION = "23505";

    @Override
    public boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        // 08: connection exceptions; 57P01-03: admin shutdown, crash shutdown, cannot connect now;
        // 40001/40P01: serialization failure, deadlock — retrying the transaction is the cure.
        return state != null && (state.startsWith("08") || state.startsWith("57P")
                || state.equals("40001") || state.equals("40P01") || state.equals("53300"));
    }

    @Override
    public boolean isTimeout(SQLException e) {
        return "57014".equals(e.getSQLState());
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    @Override
    public boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        // 22: data exception (bad value, encoding, numeric overflow); 23: integrity constraint violation.
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    @Override
    public java.util.OptionalInt position(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                    && p.getServerErrorMessage().getPosition() > 0) {
                return java.util.OptionalInt.of(p.getServerErrorMessage().getPosition());
            }
        }
        return java.util.OptionalInt.empty();
    }
}
