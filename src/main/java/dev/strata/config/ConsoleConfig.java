package dev.strata.config;

/**
 * Where the web console listens. It binds to loopback unless told otherwise; any other address
 * requires a token (checked when the console starts). Port 0 picks a free port.
 */
public record ConsoleConfig(String bind, int port, Secret token) {
    public static final String LOOPBACK = "127.0.0.1";

    public static ConsoleConfig defaults() {
        return new ConsoleConfig(LOOPBACK, 0, Secret.empty());
    }
}
