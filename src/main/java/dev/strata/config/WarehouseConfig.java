package dev.strata.config;

/**
 * Where the warehouse is. {@code url} is a JDBC URL, {@code embedded:postgres} (Strata starts a
 * PostgreSQL server of its own) or {@code embedded:mariadb} (a MariaDB server of its own).
 * {@link #toString()} masks the password and any credentials in the URL.
 */
public record WarehouseConfig(String url, String user, Secret password, int poolSize) {
    public static final String EMBEDDED_POSTGRES = "embedded:postgres";
    public static final String EMBEDDED_MARIADB = "embedded:mariadb";
    /** The embedded warehouses Strata can start, as {@code warehouse.url} names them. */
    public static final java.util.List<String> EMBEDDED_KINDS = java.util.List.of(EMBEDDED_POSTGRES, EMBEDDED_MARIADB);
    public static final int DEFAULT_POOL_SIZE = 8;

    public boolean isEmbedded() {
        return url.startsWith("embedded:");
    }

    /** True for {@code embedded:mariadb}: Strata starts a MariaDB server; any other embedded URL is PostgreSQL's. */
    public boolean isEmbeddedMariaDb() {
        return EMBEDDED_MARIADB.equals(url);
    }

    /** The URL with {@code password=...} and {@code user:pass@} parts masked, for messages and logs. */
    public String redactedUrl() {
        return redact(url);
    }

    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password|pwd|secret|token)=[^&;]*", "$1=******")
                .replaceAll("//([^/@:]+):[^/@]*@", "//$1:******@");
    }

    @Override
    public String toString() {
        return "WarehouseConfig[url=" + redactedUrl() + ", user=" + user + ", password=" + password
                + ", poolSize=" + poolSize + "]";
    }
}
