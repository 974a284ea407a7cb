package dev.strata.embedded;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Starting the embedded servers' processes: with an environment reduced to what a server needs
 * (path, locale, time zone, temp dir), so that secrets in Strata's own environment
 * ({@code STRATA_WAREHOUSE_PASSWORD}, tokens) never reach a server or anything it runs; and
 * retrying the start when Linux reports "Text file busy" for a binary that was just unpacked
 * (another thread's fork may briefly hold it open for writing).
 */
final class ChildProcesses {
    private static final List<String> KEPT = List.of("PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "HOME");

    private static volatile Boolean unshare;

    private ChildProcesses() {
    }

    /**
     * {@code command} run as an unprivileged user when this process is root: PostgreSQL refuses to
     * run as root, so, as zonky does, the tools run in a user namespace of their own
     * ({@code unshare -U}, where they are "nobody") when the machine offers it.
     */
    static List<String> unprivileged(List<String> command) {
        Boolean u = unshare;
        if (u == null) {
            u = io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable();
            unshare = u;
        }
        if (!u) {
            return command;
        }
        List<String> out = new java.util.ArrayList<>(List.of("unshare", "-U"));
        out.addAll(command);
        return out;
    }

    /** A process builder for {@code command} whose environment holds only the allowed variables. */
    static ProcessBuilder builder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> !KEPT.contains(k) && !k.startsWith("LC_"));
        return pb;
    }

    static Process start(ProcessBuilder pb) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return pb.start();
            } catch (IOException e) {
                if (attempt >= 10 || e.getMessage() == null || !e.getMessage().contains("error=26")) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
