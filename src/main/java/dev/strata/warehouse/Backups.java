package dev.strata.warehouse;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Capability: logical backups of whole schemas, and their restore into an empty database. What
 * every implementation guarantees:
 * <ul>
 *   <li><b>Consistent.</b> {@link #backup} reads every schema it is given in one snapshot (one
 *       repeatable-read, read-only transaction): the files of one backup agree with each other as
 *       of one instant, while the pipeline keeps landing and building. Writers are not blocked;
 *       DDL on a table being read (a table mart's swap) waits until the backup ends.</li>
 *   <li><b>Self-checking.</b> Each file ends with the row count and checksum of each of its tables,
 *       computed in the same snapshot by {@link #summarize}'s method; a file without that trailer
 *       is incomplete and refused by {@link #restore}.</li>
 *   <li><b>Restore is all or nothing.</b> {@link #restore} refuses a target where one of the files'
 *       schemas already holds a relation, restores every file in one transaction where the database
 *       allows it (tables, then rows, then constraints, indexes, views, triggers), recomputes every
 *       table's count and checksum, and commits only if all equal the files'.</li>
 * </ul>
 * The file format is the adapter's (a PostgreSQL adapter may write a plain SQL script that
 * {@code psql} can also run). A warehouse without an implementation says so.
 */
public interface Backups {
    /** False for a warehouse without backups ({@link #unsupported}): every other method then fails with a clear error. */
    default boolean available() {
        return true;
    }

    /** The backup file's extension, without the dot: {@code sql.gz}. */
    String fileExtension();

    /** Where {@link #backup} writes each schema's file. */
    interface Output {
        /** A stream for {@code schema}'s file; {@link #backup} closes it when the file is complete. */
        OutputStream open(String schema) throws IOException;
    }

    /**
     * Told after each table's rows are copied, so that a long backup or restore shows how far it is.
     * Called on the thread doing the work; keep it cheap.
     */
    @FunctionalInterface
    interface Progress {
        /**
         * @param table  {@code schema.table} as the server quotes it
         * @param rows   rows copied for it
         * @param done   tables copied so far, this one included
         * @param total  tables to copy in all
         */
        void copied(String table, long rows, int done, int total);

        Progress NONE = (table, rows, done, total) -> {
        };
    }

    /**
     * Backs up {@code schemas} (each must exist) in one snapshot, one file each, and returns what
     * each file holds.
     */
    List<SchemaBackup> backup(Warehouse warehouse, List<String> schemas, Output output, Progress progress)
            throws SQLException, IOException;

    default List<SchemaBackup> backup(Warehouse warehouse, List<String> schemas, Output output) throws SQLException, IOException {
        return backup(warehouse, schemas, output, Progress.NONE);
    }

    /**
     * Restores {@code files} (backups of different schemas) into {@code warehouse}'s database and
     * returns each table's expected and restored count and checksum; commits only if they all match.
     */
    List<TableCheck> restore(Warehouse warehouse, List<Path> files, Progress progress) throws SQLException, IOException;

    default List<TableCheck> restore(Warehouse warehouse, List<Path> files) throws SQLException, IOException {
        return restore(warehouse, files, Progress.NONE);
    }

    /** Row count and checksum of each table of {@code schema}, in the caller's transaction, by table name. */
    List<TableSummary> summarize(Connection connection, String schema) throws SQLException;

    /**
     * A table's row count and checksum: an order-independent sum of a hash of each row's text,
     * as 16 hexadecimal digits. Two tables with the same rows have the same checksum.
     */
    record TableSummary(String schema, String table, long rows, String checksum) {
        /** Formats a checksum that is a (possibly large or negative) sum as 16 hex digits, modulo 2^64. */
        public static String checksum(BigInteger sum) {
            String hex = sum.mod(BigInteger.ONE.shiftLeft(64)).toString(16);
            return "0".repeat(Math.max(0, 16 - hex.length())) + hex;
        }
    }

    /**
     * One schema's file: its tables, and what the schema held that the backup does not include
     * (e.g. a materialized view), so that the caller can say so.
     */
    record SchemaBackup(String schema, List<TableSummary> tables, List<String> notIncluded) {
        public SchemaBackup {
            tables = List.copyOf(tables);
            notIncluded = List.copyOf(notIncluded);
        }

        public long rows() {
            return tables.stream().mapToLong(TableSummary::rows).sum();
        }
    }

    /** A restored table: what its backup said and what the restored table holds. */
    record TableCheck(TableSummary expected, TableSummary restored) {
        public boolean matches() {
            return restored != null && expected.rows() == restored.rows() && Objects.equals(expected.checksum(), restored.checksum());
        }
    }

    /** For a warehouse whose adapter has no backup yet: every operation fails, naming the warehouse. */
    static Backups unsupported(String warehouse) {
        return new Backups() {
            @Override
            public boolean available() {
                return false;
            }

            private StrataException no() {
                return new StrataException(ErrorCode.CONFIG, "strata backup and restore are not available for " + warehouse
                        + " yet: they are implemented for PostgreSQL only (docs/operations.md#backups)");
            }

            @Override
            public String fileExtension() {
                throw no();
            }

            @Override
            public List<SchemaBackup> backup(Warehouse w, List<String> schemas, Output output, Progress progress) {
                throw no();
            }

            @Override
            public List<TableCheck> restore(Warehouse w, List<Path> files, Progress progress) {
                throw no();
            }

            @Override
            public List<TableSummary> summarize(Connection connection, String schema) {
                throw no();
            }
        };
    }
}
