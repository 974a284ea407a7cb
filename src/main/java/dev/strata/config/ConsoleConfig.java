package dev.strata.config;

/**
 * Where the web console listens. It binds to loopback unless told otherwise; any other address
 * requires a token (checked when the console starts). Port 0 picks a free port.
 *
 * @param lagWarning a source whose oldest record not landed yet is at least this old is shown in
 *                   red on the Streams page; a lag of a few messages for a fraction of a second is
 *                   normal while messages arrive
 */
public record ConsoleConfig(String bind, int port, Secret token, java.time.Duration lagWarning) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final java.time.Duration DEFAULT_LAG_WARNING = java.time.Duration.ofSeconds(60);

    public ConsoleConfig(String bind, int port, Secret token) {
        this(bind, port, token, DEFAULT_LAG_WARNING);
    }

    public static ConsoleConfig defaults() {
        return new ConsoleConfig(LOOPBACK, 0, Secret.empty());
    }
}
