package dev.strata.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The addresses of the embedded servers a running {@code strata run} (or demo) started for a
 * project, kept in {@code <data dir>/servers.json} while it runs, so that other commands on the same
 * project ({@code strata produce}) find the broker and Redis it runs — their ports are chosen afresh
 * on every start. Holds addresses only, never a password. A file left by a killed process is ignored:
 * its process (pid and start time) no longer exists.
 *
 * @param postgres the embedded warehouse's JDBC URL (PostgreSQL or MariaDB), or null when none runs
 * @param kafka    the bootstrap address, or null
 * @param redis    {@code redis://127.0.0.1:port}, or null
 */
public record RunningServers(long pid, Instant processStart, String postgres, String kafka, String redis) {
    static final String FILE = "servers.json";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** The servers of {@code services}, as run by this process. */
    static RunningServers of(EmbeddedServices services) {
        ProcessHandle self = ProcessHandle.current();
        return new RunningServers(self.pid(), self.info().startInstant().orElse(null),
                services.warehouseLogin().map(EmbeddedServices.WarehouseLogin::jdbcUrl).orElse(null),
                services.kafka().map(k -> k.bootstrap()).orElse(null),
                services.redis().map(r -> r.url()).orElse(null));
    }

    /** Writes the file atomically (a reader never sees half of it). */
    void write(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(RunningServers.class).warn("cannot record the embedded servers' addresses "
                    + "in {} ({}); `strata produce` will not find them", dataDir.resolve(FILE), e.getMessage());
        }
    }

    /** Removes the file if this process wrote it. */
    static void remove(Path dataDir) {
        try {
            Optional<RunningServers> current = read(dataDir);
            if (current.isPresent() && current.get().pid() == ProcessHandle.current().pid()) {
                Files.deleteIfExists(dataDir.resolve(FILE));
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a stale file is ignored by readers
        }
    }

    /** The servers a live process runs for the project whose data directory this is, if any. */
    public static Optional<RunningServers> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        RunningServers s;
        try {
            s = JSON.readValue(file.toFile(), RunningServers.class);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Optional<ProcessHandle> process = ProcessHandle.of(s.pid()).filter(ProcessHandle::isAlive);
        boolean same = process.isPresent() && (s.processStart() == null
                || process.get().info().startInstant().map(s.processStart()::equals).orElse(true));
        return same ? Optional.of(s) : Optional.empty();
    }
}
