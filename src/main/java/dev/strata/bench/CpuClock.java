package dev.strata.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU time spent by this JVM and, when known, by an embedded warehouse server (PostgreSQL's
 * postmaster and all its processes, or the one mariadbd process and its threads, read from {@code /proc}). On a machine shared with other work the
 * wall-clock rate of a benchmark moves with the load; its CPU time per row does not, so the
 * benchmarks print both.
 */
final class CpuClock {
    private static final double TICK = 100.0;   // USER_HZ: 100 on Linux for every mainstream architecture
    private final long postmasterPid;

    private CpuClock(long postmasterPid) {
        this.postmasterPid = postmasterPid;
    }

    static CpuClock jvmOnly() {
        return new CpuClock(-1);
    }

    /** The server whose data directory holds {@code postmaster.pid}; JVM only when it cannot be read. */
    static CpuClock jvmAndPostgres(Path dataDir) {
        return jvmAndServer(dataDir.resolve("postmaster.pid"));
    }

    /** The server whose pid is the first line of {@code pidFile} (mariadbd's too); JVM only when it cannot be read. */
    static CpuClock jvmAndServer(Path pidFile) {
        try {
            return new CpuClock(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return jvmOnly();
        }
    }

    boolean seesPostgres() {
        return postmasterPid > 0 && Files.exists(Path.of("/proc", Long.toString(postmasterPid)));
    }

    /** CPU seconds so far. */
    record Reading(double jvm, double postgres) {
        Reading minus(Reading o) {
            return new Reading(jvm - o.jvm, postgres - o.postgres);
        }

        double total() {
            return jvm + postgres;
        }

        String perRows(long rows) {
            return String.format(Locale.ROOT, "CPU %.1f s: JVM %.1f + server %.1f, %.1f µs/row", total(), jvm, postgres,
                    total() * 1e6 / rows);
        }
    }

    Reading read() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        return new Reading(jvm, seesPostgres() ? postgresSeconds() : 0);
    }

    /** The postmaster's own and reaped children's time, plus every live child's. */
    private double postgresSeconds() {
        double ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String[] f = stat(p);
                if (f == null) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long ppid = Long.parseLong(f[1]);
                if (pid == postmasterPid) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                } else if (ppid == postmasterPid) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks / TICK;
    }

    /** Fields of /proc/pid/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime. */
    private static String[] stat(Path proc) {
        try {
            String s = Files.readString(proc.resolve("stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
