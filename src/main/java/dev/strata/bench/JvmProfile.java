package dev.strata.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where this JVM's CPU went between two snapshots: per group of threads (by name: Strata's
 * landers, the in-process Kafka broker, Kafka clients, the rest), plus garbage collection and JIT
 * compilation time, which are not Java threads. For {@code strata bench ... --profile}.
 */
final class JvmProfile {
    private final Map<String, Long> cpuByGroup;
    private final long gcMillis;
    private final long jitMillis;

    private JvmProfile(Map<String, Long> cpuByGroup, long gcMillis, long jitMillis) {
        this.cpuByGroup = cpuByGroup;
        this.gcMillis = gcMillis;
        this.jitMillis = jitMillis;
    }

    static JvmProfile snapshot() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new TreeMap<>();
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info == null || cpu < 0) {
                continue;
            }
            byGroup.merge(group(info.getThreadName()), cpu, Long::sum);
        }
        long gc = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        var jit = ManagementFactory.getCompilationMXBean();
        return new JvmProfile(byGroup, gc, jit == null ? 0 : jit.getTotalCompilationTime());
    }

    private static String group(String name) {
        if (name.startsWith("strata-land-")) {
            return name.endsWith("-writer") ? "lander writer threads" : "lander consumer threads (poll, decode, CSV)";
        }
        if (name.startsWith("kafka-coordinator") || name.startsWith("kafka-producer") || name.startsWith("kafka-admin")) {
            return "Kafka client I/O threads";
        }
        if (name.startsWith("data-plane") || name.startsWith("kafka-") || name.contains("raft") || name.contains("coordinator")
                || name.contains("quorum") || name.contains("Log") || name.contains("log-") || name.contains("broker")) {
            return "in-process Kafka broker";
        }
        return "other (benchmark driver, JDBC, ...)";
    }

    /** Lines describing what happened since {@code before}. */
    String since(JvmProfile before) {
        StringBuilder sb = new StringBuilder();
        cpuByGroup.forEach((g, ns) -> {
            long d = ns - before.cpuByGroup.getOrDefault(g, 0L);
            if (d > 50_000_000L) {
                sb.append(String.format(Locale.ROOT, "      %-45s %6.2f s CPU%n", g, d / 1e9));
            }
        });
        sb.append(String.format(Locale.ROOT, "      %-45s %6.2f s (pauses)%n", "garbage collection", (gcMillis - before.gcMillis) / 1e3));
        sb.append(String.format(Locale.ROOT, "      %-45s %6.2f s%n", "JIT compilation", (jitMillis - before.jitMillis) / 1e3));
        return sb.toString();
    }
}
