package dev.strata.ingest;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Rows of a {@code jdbc} source handed from the thread that reads the source to the thread that
 * loads the warehouse, in chunks of landing CSV, so that both databases work at once (as a
 * {@code COPY TO} piped into a {@code COPY FROM} does). At most {@value #CAPACITY} chunks wait: the
 * reader blocks when the loader is behind, so memory stays bounded by a few chunks whatever the
 * size of the table. The reader's failure is rethrown to the loader; {@link #close} stops a reader
 * that is still running (the loader failed, or the run was cancelled).
 */
final class RowChunks implements AutoCloseable {
    static final int CAPACITY = 2;

    /** One chunk: its rows and, for an incremental source, the cursor value of its last row. */
    record Chunk(CsvRows rows, Comparable<?> lastCursor) {
    }

    /** What reads the source: fills chunks and hands each to {@link RowChunks#put}. */
    @FunctionalInterface
    interface Reader {
        void read(RowChunks out) throws Exception;
    }

    private static final Object END = new Object();

    private record Failure(Throwable error) {
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread thread;
    private volatile boolean closed;
    private volatile Runnable canceller;

    RowChunks(String name, Reader reader) {
        thread = new Thread(() -> {
            Object last = END;
            try {
                reader.read(this);
            } catch (InterruptedException e) {
                return;   // closed by the loader
            } catch (Throwable e) {
                last = new Failure(e);
            }
            try {
                while (!closed && !queue.offer(last, 100, TimeUnit.MILLISECONDS)) {
                    // wait for room, or for the loader to close us
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Called by the reader: hands over a full chunk, waiting while the loader is behind. */
    void put(Chunk chunk) throws InterruptedException {
        while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            if (closed) {
                throw new InterruptedException("the loader stopped");
            }
        }
    }

    /** Called by the reader: how {@link #close} stops it if it is still reading (cancels its statement, say). */
    void onCancel(Runnable cancel) {
        canceller = cancel;
        if (closed) {
            cancel();
        }
    }

    private void cancel() {
        Runnable r = canceller;
        if (r != null) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // the read ended meanwhile
            }
        }
    }

    /** Called by the loader: the next chunk, or null when the reader finished; rethrows its failure. */
    Chunk next() throws Exception {
        Object o = queue.take();
        if (o == END) {
            queue.offer(END);
            return null;
        }
        if (o instanceof Failure f) {
            queue.offer(f);
            if (f.error() instanceof Exception e) {
                throw e;
            }
            throw (Error) f.error();
        }
        return (Chunk) o;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        queue.clear();
        if (thread.isAlive()) {
            cancel();
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
