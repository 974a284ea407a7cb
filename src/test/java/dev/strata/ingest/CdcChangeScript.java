package dev.strata.ingest;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;

/**
 * A change script on the source database, in its own thread: random transactions of inserts,
 * updates and deletes on {@code items(id, v)} — single-row statements, multi-row updates and
 * multi-row {@code COPY} inserts (which put several changes on one WAL record, one LSN) — where every
 * change writes a fresh value {@code v}. It records, in commit order, the change events Debezium must
 * deliver: the ground truth of the CDC tests ({@link Event}: op, row id, and the row's {@code v}
 * after the change, or before it for a delete).
 */
final class CdcChangeScript implements AutoCloseable {
    record Event(String op, long id, long v) {
    }

    private final String url;
    private final Random random;
    private final List<Event> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<long[]> live = new ArrayList<>();   // {id, v} of rows that exist
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final int pauseMillis;
    private volatile Exception failure;
    private long nextId;
    private long nextV = 1_000_000;

    /** Rows {@code 1..initialRows} exist before the script starts (the snapshot's rows, {@code v = id}). */
    CdcChangeScript(String url, long seed, long initialRows, int pauseMillis) {
        this.url = url;
        this.random = new Random(seed);
        this.pauseMillis = pauseMillis;
        for (long i = 1; i <= initialRows; i++) {
            live.add(new long[] {i, i});
        }
        this.nextId = initialRows + 1;
        this.thread = new Thread(this::run, "cdc-change-script");
        this.thread.setDaemon(true);
    }

    /** Continues where an earlier script on the same table stopped: its rows exist, new ids and values follow on. */
    void continueAfter(List<Event> earlier, long initialRows) {
        java.util.Map<Long, long[]> rows = new java.util.LinkedHashMap<>();
        for (long i = 1; i <= initialRows; i++) {
            rows.put(i, new long[] {i, i});
        }
        for (Event e : earlier) {
            if (e.op().equals("d")) {
                rows.remove(e.id());
            } else {
                rows.put(e.id(), new long[] {e.id(), e.v()});
            }
            nextId = Math.max(nextId, e.id() + 1);
            nextV = Math.max(nextV, e.v() + 1);
        }
        nextId = Math.max(nextId, initialRows + 1);
        live.clear();
        live.addAll(rows.values());
    }

    static void createTable(CdcFixture f, long rows) {
        f.source("CREATE TABLE items (id bigint PRIMARY KEY, v bigint NOT NULL, note text)",
                "ALTER TABLE items REPLICA IDENTITY FULL",
                "INSERT INTO items SELECT g, g, 'initial' FROM generate_series(1, " + rows + ") g");
    }

    void start() {
        thread.start();
    }

    private void run() {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.setAutoCommit(false);
            while (running.get()) {
                List<Event> tx = new ArrayList<>();
                int statements = 1 + random.nextInt(4);
                for (int i = 0; i < statements; i++) {
                    statement(c, tx);
                }
                c.commit();
                committed.addAll(tx);
                if (pauseMillis > 0) {
                    Thread.sleep(random.nextInt(pauseMillis + 1));
                }
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    private void statement(Connection c, List<Event> tx) throws SQLException {
        int kind = random.nextInt(10);
        if (kind < 3 || live.size() < 10) {
            long id = nextId++;
            long v = nextV++;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, 'insert')")) {
                ps.setLong(1, id);
                ps.setLong(2, v);
                ps.executeUpdate();
            }
            live.add(new long[] {id, v});
            tx.add(new Event("c", id, v));
        } else if (kind < 4) {
            // a multi-row COPY: several rows in one heap_multi_insert WAL record, sharing an LSN
            int n = 2 + random.nextInt(5);
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < n; i++) {
                long id = nextId++;
                long v = nextV++;
                data.append(id).append('\t').append(v).append("\tcopy\n");
                live.add(new long[] {id, v});
                tx.add(new Event("c", id, v));
            }
            try {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY items FROM STDIN", new StringReader(data.toString()));
            } catch (java.io.IOException e) {
                throw new SQLException(e);
            }
        } else if (kind < 8) {
            int n = kind == 7 ? 2 + random.nextInt(3) : 1;
            for (int i = 0; i < n; i++) {
                long[] row = live.get(random.nextInt(live.size()));
                long v = nextV++;
                try (PreparedStatement ps = c.prepareStatement("UPDATE items SET v = ?, note = 'update' WHERE id = ?")) {
                    ps.setLong(1, v);
                    ps.setLong(2, row[0]);
                    ps.executeUpdate();
                }
                row[1] = v;
                tx.add(new Event("u", row[0], v));
            }
        } else {
            long[] row = live.remove(random.nextInt(live.size()));
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM items WHERE id = " + row[0]);
            }
            tx.add(new Event("d", row[0], row[1]));
        }
    }

    /** Stops after the transaction in flight; returns every change committed, in commit order. */
    List<Event> finish() throws Exception {
        running.set(false);
        thread.join(30_000);
        if (failure != null) {
            throw failure;
        }
        synchronized (committed) {
            return List.copyOf(committed);
        }
    }

    int committedCount() {
        return committed.size();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
