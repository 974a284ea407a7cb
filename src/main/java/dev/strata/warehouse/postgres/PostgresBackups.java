package dev.strata.warehouse.postgres;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.warehouse.Backups;
import dev.strata.warehouse.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL backups without {@code pg_dump}: the embedded server ships only {@code initdb},
 * {@code pg_ctl} and {@code postgres}, and the client tools a Debian 12 host can install (15)
 * refuse to dump a newer server (17). So the backup speaks the server's own protocol, from the
 * JDBC driver:
 * <ol>
 *   <li>the schemas' tables are listed, then a {@code REPEATABLE READ, READ ONLY} transaction
 *       takes {@code ACCESS SHARE} locks on them <i>before</i> its snapshot ({@code LOCK TABLE}
 *       takes no snapshot), and lists them again in the snapshot — if a table came or went in
 *       between (a mart swapped, a table created), it starts over (three times at most);</li>
 *   <li>per schema, a gzip-compressed plain SQL script: DDL read from the catalogue
 *       ({@code format_type}, {@code pg_get_expr}, {@code pg_get_constraintdef},
 *       {@code pg_get_indexdef}, {@code pg_get_viewdef}, {@code pg_get_functiondef},
 *       {@code pg_get_triggerdef}), rows by {@code COPY … TO STDOUT} in the same snapshot written as
 *       {@code COPY … FROM stdin} blocks, sequence values, and a trailer with each table's count and
 *       checksum — {@code gunzip -c f | psql} restores it too;</li>
 *   <li>the checksum of a table is {@code sum} over rows of the first 64 bits of
 *       {@code md5(row::text)} (UTC, ISO dates, shortest exact floats), so it does not depend on
 *       row order.</li>
 * </ol>
 * What the script does not hold (listed in {@link SchemaBackup#notIncluded}): materialized views,
 * partitioned and foreign tables, types and domains of the schema, aggregates, row security
 * policies, grants, owners and comments. Sequence values are read outside the snapshot (sequences
 * are not transactional), as {@code pg_dump} reads them.
 */
final class PostgresBackups implements Backups {
    static final String MAGIC = "-- strata-backup: 1";
    private static final String STATEMENT = "-- strata-statement";
    private static final int ATTEMPTS = 3;
    private static final Pattern COPY_LINE = Pattern.compile("^COPY .+ FROM stdin;$");
    private static final Pattern TABLE_LINE = Pattern.compile("^-- strata-table: (\\S+) (\\S+) rows=(\\d+) checksum=([0-9a-f]{16})$");
    private static final List<String> SECTIONS = List.of("schema", "tables", "data", "post-data");

    @Override
    public String fileExtension() {
        return "sql.gz";
    }

    /** A table as listed: oid, names quoted by the server, and whether it is unlogged. */
    private record Rel(long oid, String schema, String name, String qualified, boolean unlogged) {
    }

    @Override
    public List<SchemaBackup> backup(Warehouse warehouse, List<String> schemas, Output output, Progress progress)
            throws SQLException, IOException {
        for (int attempt = 1; ; attempt++) {
            List<Rel> listed;
            try (Connection c = warehouse.connection()) {
                listed = tables(c, schemas);
            }
            try (Connection c = warehouse.unpooledConnection()) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
                try (Statement s = c.createStatement()) {
                    // session settings of this connection only (it is not pooled); none of them takes the snapshot
                    s.execute("SET TIME ZONE 'UTC'");
                    s.execute("SET DateStyle = 'ISO, YMD'");
                    s.execute("SET extra_float_digits = 1");
                    s.execute("SET lock_timeout = '5min'");
                    if (!listed.isEmpty()) {
                        s.execute("LOCK TABLE " + String.join(", ", listed.stream().map(Rel::qualified).toList())
                                + " IN ACCESS SHARE MODE");
                    }
                }
                for (String schema : schemas) {
                    if (!schemaExists(c, schema)) {
                        throw new StrataException(ErrorCode.CONFIG, "no schema " + schema + " in the warehouse to back up");
                    }
                }
                List<Rel> seen = tables(c, schemas);
                if (!seen.equals(listed)) {
                    c.rollback();
                    if (attempt < ATTEMPTS) {
                        continue; // a table came or went between the listing and the locks
                    }
                    throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "the schemas' tables kept changing while the "
                            + "backup started (" + ATTEMPTS + " attempts); try again");
                }
                String version = oneString(c, "SELECT current_setting('server_version')");
                Instant at = Instant.parse(oneString(c, "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
                List<SchemaBackup> out = new ArrayList<>();
                Counter counter = new Counter(progress, seen.size());
                for (String schema : schemas) {
                    List<Rel> own = seen.stream().filter(r -> r.schema().equals(schema)).toList();
                    try (OutputStream file = output.open(schema)) {
                        out.add(writeSchema(c, schema, own, version, at, file, counter));
                    }
                }
                c.rollback();
                return out;
            }
        }
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<Rel> tables(Connection c, List<String> schemas) throws SQLException {
        List<Rel> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, n.nspname, c.relname, "
                + "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q, c.relpersistence = 'u' AS unlogged "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ANY (?) AND c.relkind = 'r' ORDER BY n.nspname, c.relname")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Rel(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5)));
                }
            }
        }
        return out;
    }

    private static String oneString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> strings(Connection c, String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One statement, after a marker line: the restore runs the text between two markers as one
     * statement (a function's body holds {@code ;} of its own); psql reads the marker as a comment.
     */
    private static void statement(OutputStream out, String sql) throws IOException {
        String text = sql.strip();
        write(out, STATEMENT + "\n" + text + (text.endsWith(";") ? "" : ";") + "\n");
    }

    /** Tables copied so far, told to the caller's {@link Progress}. */
    private static final class Counter {
        private final Progress progress;
        private final int total;
        private int done;

        Counter(Progress progress, int total) {
            this.progress = progress;
            this.total = total;
        }

        void copied(String table, long rows) {
            progress.copied(table, rows, ++done, total);
        }
    }

    private SchemaBackup writeSchema(Connection c, String schema, List<Rel> tables, String version, Instant at,
                                     OutputStream out, Counter counter) throws SQLException, IOException {
        String qs = oneQuoted(c, schema);
        write(out, MAGIC + "\n-- Strata backup of schema " + qs + ", PostgreSQL " + version + ", snapshot " + at + "\n"
                + "-- strata-schema: " + schema + "\n"
                + "-- A plain SQL script: `gunzip -c FILE | psql` restores it as well as `strata restore`.\n"
                + "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSET check_function_bodies = false;\n"
                + "SET TIME ZONE 'UTC';\n\n");
        write(out, "-- strata-section: schema\n");
        statement(out, "CREATE SCHEMA IF NOT EXISTS " + qs);
        // sequences that are not an identity column's (those come with their table)
        for (String ddl : strings(c, "SELECT 'CREATE SEQUENCE ' || quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) "
                + "|| ' AS ' || s.data_type || ' INCREMENT BY ' || s.increment_by || ' MINVALUE ' || s.min_value "
                + "|| ' MAXVALUE ' || s.max_value || ' START WITH ' || s.start_value || ' CACHE ' || s.cache_size "
                + "|| CASE WHEN s.cycle THEN ' CYCLE' ELSE '' END || ';' FROM pg_sequences s "
                + "JOIN pg_namespace n ON n.nspname = s.schemaname JOIN pg_class q ON q.relnamespace = n.oid AND q.relname = s.sequencename "
                + "WHERE s.schemaname = ? AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
                + "AND d.objid = q.oid AND d.deptype = 'i') ORDER BY s.sequencename", schema)) {
            statement(out, ddl);
        }
        write(out, "\n-- strata-section: tables\n");
        for (Rel t : tables) {
            statement(out, createTable(c, t));
        }
        // functions and procedures after the tables whose row types they may name (bodies are not checked)
        for (String def : strings(c, "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = ? AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                + "WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') ORDER BY p.proname, p.oid", schema)) {
            statement(out, def);
        }
        write(out, "\n-- strata-section: data\n");
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (Rel t : tables) {
            List<String> columns = strings(c, "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = ? AND attnum > 0 "
                    + "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum", t.oid());
            String cols = String.join(", ", columns);
            write(out, "COPY " + t.qualified() + " (" + cols + ") FROM stdin;\n");
            out.flush();
            long rows = copy.copyOut("COPY " + t.qualified() + " (" + cols + ") TO STDOUT", out);
            write(out, "\\.\n");
            counter.copied(t.qualified(), rows);
        }
        for (String setval : strings(c, "SELECT 'SELECT pg_catalog.setval(' || quote_literal(quote_ident(s.schemaname) || '.' "
                + "|| quote_ident(s.sequencename)) || ', ' || coalesce(s.last_value, s.start_value) || ', ' "
                + "|| (s.last_value IS NOT NULL) || ');' FROM pg_sequences s WHERE s.schemaname = ? ORDER BY s.sequencename", schema)) {
            statement(out, setval);
        }
        write(out, "\n-- strata-section: post-data\n");
        for (String ddl : strings(c, "SELECT 'ALTER TABLE ONLY ' || quote_ident(n.nspname) || '.' || quote_ident(r.relname) "
                + "|| ' ADD CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid) || ';' "
                + "FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE n.nspname = ? AND r.relkind = 'r' AND k.contype IN ('p', 'u', 'x', 'c', 'f') "
                + "ORDER BY CASE k.contype WHEN 'f' THEN 2 WHEN 'c' THEN 1 ELSE 0 END, r.relname, k.conname", schema)) {
            statement(out, ddl);
        }
        for (String ddl : strings(c, "SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid "
                + "JOIN pg_namespace n ON n.oid = r.relnamespace JOIN pg_class x ON x.oid = i.indexrelid WHERE n.nspname = ? "
                + "AND r.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                + "AND k.contype IN ('p', 'u', 'x')) ORDER BY r.relname, x.relname", schema)) {
            statement(out, ddl);
        }
        for (String ddl : strings(c, "SELECT 'ALTER SEQUENCE ' || quote_ident(n.nspname) || '.' || quote_ident(q.relname) "
                + "|| ' OWNED BY ' || quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(a.attname) || ';' "
                + "FROM pg_class q JOIN pg_namespace n ON n.oid = q.relnamespace JOIN pg_depend d ON d.classid = 'pg_class'::regclass "
                + "AND d.objid = q.oid AND d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass JOIN pg_class t ON t.oid = d.refobjid "
                + "JOIN pg_namespace tn ON tn.oid = t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                + "WHERE q.relkind = 'S' AND n.nspname = ? ORDER BY q.relname", schema)) {
            statement(out, ddl);
        }
        for (String ddl : views(c, schema)) {
            statement(out, ddl);
        }
        for (String ddl : strings(c, "SELECT pg_get_triggerdef(g.oid) || ';' FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid "
                + "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ? AND NOT g.tgisinternal ORDER BY r.relname, g.tgname",
                schema)) {
            statement(out, ddl);
        }
        List<TableSummary> summaries = summarize(c, schema);
        write(out, "\n-- strata-summary\n");
        for (TableSummary s : summaries) {
            write(out, "-- strata-table: " + s.schema() + " " + s.table() + " rows=" + s.rows() + " checksum=" + s.checksum() + "\n");
        }
        write(out, "-- strata-end\n");
        return new SchemaBackup(schema, summaries, notIncluded(c, schema));
    }

    private static String oneQuoted(Connection c, String name) throws SQLException {
        return strings(c, "SELECT quote_ident(?)", name).get(0);
    }

    private static String createTable(Connection c, Rel t) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), "
                + "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                + "CASE WHEN a.attcollation <> ty.typcollation AND a.attcollation <> 0 "
                + "THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END "
                + "FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
                + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setLong(1, t.oid());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StringBuilder col = new StringBuilder("    ").append(rs.getString(1)).append(' ').append(rs.getString(2));
                    if (rs.getString(7) != null) {
                        col.append(" COLLATE ").append(rs.getString(7));
                    }
                    String identity = rs.getString(5);
                    String generated = rs.getString(6);
                    String dflt = rs.getString(4);
                    if ("s".equals(generated)) {
                        col.append(" GENERATED ALWAYS AS (").append(dflt).append(") STORED");
                    } else if ("a".equals(identity)) {
                        col.append(" GENERATED ALWAYS AS IDENTITY");
                    } else if ("d".equals(identity)) {
                        col.append(" GENERATED BY DEFAULT AS IDENTITY");
                    } else if (dflt != null) {
                        col.append(" DEFAULT ").append(dflt);
                    }
                    if (rs.getBoolean(3)) {
                        col.append(" NOT NULL");
                    }
                    columns.add(col.toString());
                }
            }
        }
        return "CREATE " + (t.unlogged() ? "UNLOGGED " : "") + "TABLE " + t.qualified() + " (\n" + String.join(",\n", columns) + "\n);";
    }

    /** The schema's views, each after the views it reads. */
    private static List<String> views(Connection c, String schema) throws SQLException {
        Map<Long, String> ddl = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT v.oid, 'CREATE VIEW ' || quote_ident(n.nspname) || '.' "
                + "|| quote_ident(v.relname) || ' AS ' || rtrim(pg_get_viewdef(v.oid), '; ' || chr(10)) || ';' "
                + "FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace WHERE n.nspname = ? AND v.relkind = 'v' ORDER BY v.oid")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ddl.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        Map<Long, Set<Long>> reads = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT r.ev_class, d.refobjid FROM pg_rewrite r "
                + "JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass "
                + "WHERE d.refobjid <> r.ev_class")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reads.computeIfAbsent(rs.getLong(1), k -> new LinkedHashSet<>()).add(rs.getLong(2));
                }
            }
        }
        List<String> out = new ArrayList<>();
        Set<Long> done = new LinkedHashSet<>();
        for (Long v : ddl.keySet()) {
            addView(v, ddl, reads, done, new LinkedHashSet<>(), out);
        }
        return out;
    }

    private static void addView(long v, Map<Long, String> ddl, Map<Long, Set<Long>> reads, Set<Long> done, Set<Long> path,
                                List<String> out) {
        if (done.contains(v) || !ddl.containsKey(v) || !path.add(v)) {
            return;
        }
        for (long dep : reads.getOrDefault(v, Set.of())) {
            addView(dep, ddl, reads, done, path, out);
        }
        done.add(v);
        out.add(ddl.get(v));
    }

    private static List<String> notIncluded(Connection c, String schema) throws SQLException {
        return strings(c, "SELECT kind || ' ' || quote_ident(n.nspname) || '.' || quote_ident(name) FROM ("
                + " SELECT CASE c.relkind WHEN 'm' THEN 'materialized view' WHEN 'p' THEN 'partitioned table' "
                + "   WHEN 'f' THEN 'foreign table' END AS kind, c.relname AS name, c.relnamespace AS ns "
                + "   FROM pg_class c WHERE c.relkind IN ('m', 'p', 'f') AND NOT c.relispartition"
                + " UNION ALL SELECT 'type', t.typname, t.typnamespace FROM pg_type t "
                + "   WHERE t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r "
                + "   WHERE r.oid = t.typrelid AND r.relkind = 'c'))"
                + " UNION ALL SELECT 'aggregate', p.proname, p.pronamespace FROM pg_proc p WHERE p.prokind IN ('a', 'w')"
                + ") o JOIN pg_namespace n ON n.oid = o.ns WHERE n.nspname = ? ORDER BY 1", schema);
    }

    @Override
    public List<TableSummary> summarize(Connection c, String schema) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r' "
                + "ORDER BY c.relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        List<TableSummary> out = new ArrayList<>();
        for (String[] t : tables) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), "
                    + "coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint), 0)::text FROM " + t[1] + " t")) {
                rs.next();
                out.add(new TableSummary(schema, t[0], rs.getLong(1), TableSummary.checksum(new BigInteger(rs.getString(2)))));
            }
        }
        return out;
    }

    // ---- restore ----

    /** What a file says about itself: its schema and the summary in its trailer. */
    private record FileInfo(Path file, String schema, List<TableSummary> tables) {
    }

    private static BufferedReader open(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16);
    }

    /** Reads the whole file once: a damaged or incomplete file is refused before anything is restored. */
    private static FileInfo inspect(Path file) throws IOException {
        String schema = null;
        List<TableSummary> tables = new ArrayList<>();
        boolean first = true;
        boolean end = false;
        try (BufferedReader in = open(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (first && !line.equals(MAGIC)) {
                    throw new StrataException(ErrorCode.USAGE, file + " is not a Strata backup of a PostgreSQL schema");
                }
                first = false;
                if (line.startsWith("-- strata-schema: ")) {
                    schema = line.substring("-- strata-schema: ".length());
                }
                Matcher m = TABLE_LINE.matcher(line);
                if (m.matches()) {
                    tables.add(new TableSummary(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4)));
                }
                end = line.equals("-- strata-end");
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new StrataException(ErrorCode.USAGE, file + " is damaged or incomplete: " + e.getMessage(), e);
        }
        if (!end || schema == null) {
            throw new StrataException(ErrorCode.USAGE, file + " is incomplete (no end marker): the backup that wrote it did "
                    + "not finish; use an earlier file");
        }
        return new FileInfo(file, schema, tables);
    }

    @Override
    public List<TableCheck> restore(Warehouse warehouse, List<Path> files, Progress progress) throws SQLException, IOException {
        List<FileInfo> infos = new ArrayList<>();
        for (Path f : files) {
            FileInfo info = inspect(f);
            if (infos.stream().anyMatch(i -> i.schema().equals(info.schema()))) {
                throw new StrataException(ErrorCode.USAGE, "two files back up schema " + info.schema() + "; restore one of them");
            }
            infos.add(info);
        }
        try (Connection c = warehouse.unpooledConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET check_function_bodies = false");
                s.execute("SET TIME ZONE 'UTC'");
                s.execute("SET DateStyle = 'ISO, YMD'");
                s.execute("SET extra_float_digits = 1");
            }
            for (FileInfo i : infos) {
                List<String> present = strings(c, "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n "
                        + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S') "
                        + "ORDER BY 1 LIMIT 5", i.schema());
                if (!present.isEmpty()) {
                    throw new StrataException(ErrorCode.USAGE, "schema " + i.schema() + " already holds " + String.join(", ", present)
                            + " in the target; restore into an empty database");
                }
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            Counter counter = new Counter(progress, infos.stream().mapToInt(i -> i.tables().size()).sum());
            for (String section : SECTIONS) {
                for (FileInfo i : infos) {
                    run(c, copy, i.file(), section, counter);
                }
            }
            List<TableCheck> checks = new ArrayList<>();
            boolean ok = true;
            for (FileInfo i : infos) {
                Map<String, TableSummary> restored = new LinkedHashMap<>();
                summarize(c, i.schema()).forEach(s -> restored.put(s.table(), s));
                for (TableSummary expected : i.tables()) {
                    TableCheck check = new TableCheck(expected, restored.get(expected.table()));
                    ok &= check.matches();
                    checks.add(check);
                }
            }
            if (ok) {
                c.commit();
            } else {
                c.rollback();
            }
            return checks;
        }
    }

    /** Runs one section of a file: its statements, and its COPY blocks streamed to the server. */
    private static void run(Connection c, CopyManager copy, Path file, String section, Counter counter)
            throws IOException, SQLException {
        try (BufferedReader in = open(file)) {
            String current = null;
            StringBuilder sql = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("-- strata-section: ") || line.equals("-- strata-summary")) {
                    execute(c, sql, file);
                    current = line.startsWith("-- strata-section: ") ? line.substring("-- strata-section: ".length()) : null;
                    continue;
                }
                boolean wanted = section.equals(current);
                if (line.equals(STATEMENT)) {
                    execute(c, sql, file);
                    continue;
                }
                if (current == null) {
                    continue; // the header: comments, and settings the restore's session has already
                }
                if (COPY_LINE.matcher(line).matches()) {
                    if (wanted) {
                        execute(c, sql, file);
                        long rows = copyIn(copy, line.substring(0, line.length() - " FROM stdin;".length()) + " FROM STDIN", in);
                        // COPY <schema>.<table> (<columns>) FROM stdin;
                        counter.copied(line.substring("COPY ".length(), line.indexOf(" (")), rows);
                    } else {
                        skipCopy(in);
                    }
                    continue;
                }
                if (wanted) {
                    sql.append(line).append('\n');
                }
            }
            execute(c, sql, file);
        }
    }

    private static void execute(Connection c, StringBuilder sql, Path file) throws SQLException {
        String text = sql.toString().strip();
        sql.setLength(0);
        if (text.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(text);
        } catch (SQLException e) {
            throw new SQLException(file.getFileName() + ": " + e.getMessage() + "\n    in: "
                    + (text.length() > 300 ? text.substring(0, 300) + " ..." : text), e.getSQLState(), e);
        }
    }

    private static long copyIn(CopyManager copy, String sql, BufferedReader in) throws SQLException, IOException {
        CopyIn cp = copy.copyIn(sql);
        try {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(1 << 16);
            for (String line = in.readLine(); ; line = in.readLine()) {
                if (line == null) {
                    throw new IOException("the file ends inside " + sql);
                }
                if (line.equals("\\.")) {
                    break;
                }
                buf.write(line.getBytes(StandardCharsets.UTF_8));
                buf.write('\n');
                if (buf.size() >= 1 << 16) {
                    cp.writeToCopy(buf.toByteArray(), 0, buf.size());
                    buf.reset();
                }
            }
            if (buf.size() > 0) {
                cp.writeToCopy(buf.toByteArray(), 0, buf.size());
            }
            return cp.endCopy();
        } finally {
            if (cp.isActive()) {
                cp.cancelCopy();
            }
        }
    }

    private static void skipCopy(BufferedReader in) throws IOException {
        for (String line = in.readLine(); line != null && !line.equals("\\."); line = in.readLine()) {
            // rows of another section's table
        }
    }
}
