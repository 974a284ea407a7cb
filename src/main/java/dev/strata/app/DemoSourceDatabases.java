package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.embedded.Durability;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.examples.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The operational databases a demo's {@code jdbc} sources read ({@link Example.Server#SOURCE_POSTGRES}):
 * started before the project is loaded, because the project reads where they are from its
 * environment. A need named {@code SHOP_URL} sets {@code SHOP_URL} (the JDBC URL),
 * {@code SHOP_USER} and {@code SHOP_PASSWORD} for the project load; when {@code SHOP_URL} is
 * already set, the demo refuses (it fills the database itself). With a data directory the server
 * keeps its data under {@code source-postgres/}. A need named {@code X_HOST} (a {@code cdc} source, which
 * names its server by host, port and database) is refused the same way; every need also sets
 * {@code X_URL}, {@code X_HOST}, {@code X_PORT} and {@code X_DATABASE}. Closed after the demo.
 */
final class DemoSourceDatabases implements AutoCloseable {
    /** The folder of the source server's data under a demo's data directory. */
    static final String DIR = "source-postgres";

    private final List<EmbeddedPostgres> servers;
    private final Map<String, String> variables;

    private DemoSourceDatabases(List<EmbeddedPostgres> servers, Map<String, String> variables) {
        this.servers = servers;
        this.variables = variables;
    }

    /** Starts a source PostgreSQL for each such need (none: nothing); {@code env} is the environment to check. */
    static DemoSourceDatabases start(List<Example.Need> needs, Optional<Path> dataDir, Function<String, String> env) {
        List<Example.Need> wanted = needs.stream().filter(n -> n.server() == Example.Server.SOURCE_POSTGRES).toList();
        for (Example.Need n : wanted) {
            if (env.apply(n.variable()) != null) {
                throw new StrataException(ErrorCode.CONFIG, "the demo needs the embedded " + n.server().label()
                        + " (it fills it with the example's data); unset " + n.variable());
            }
        }
        List<EmbeddedPostgres> servers = new ArrayList<>();
        Map<String, String> vars = new HashMap<>();
        try {
            for (Example.Need n : wanted) {
                EmbeddedPostgres pg = EmbeddedPostgres.start(
                        dataDir.map(d -> d.resolve(wanted.size() == 1 ? DIR : DIR + "-" + n.variable().toLowerCase())), 0,
                        Durability.FAST);
                servers.add(pg);
                String prefix = n.variable().endsWith("_URL") || n.variable().endsWith("_HOST")
                        ? n.variable().substring(0, n.variable().lastIndexOf('_')) : n.variable();
                vars.put(n.variable(), pg.jdbcUrl());
                vars.put(prefix + "_URL", pg.jdbcUrl());
                // a cdc source names the server by host, port and database rather than by a JDBC URL
                vars.put(prefix + "_HOST", "localhost");
                vars.put(prefix + "_PORT", Integer.toString(pg.port()));
                vars.put(prefix + "_DATABASE", EmbeddedPostgres.DATABASE);
                vars.put(prefix + "_USER", pg.user());
                vars.put(prefix + "_PASSWORD", pg.password().reveal());
            }
        } catch (RuntimeException e) {
            servers.forEach(EmbeddedPostgres::close);
            throw e;
        }
        return new DemoSourceDatabases(List.copyOf(servers), Map.copyOf(vars));
    }

    /** The value this sets for {@code name}, or null. */
    String variable(String name) {
        return variables.get(name);
    }

    List<EmbeddedPostgres> servers() {
        return servers;
    }

    @Override
    public void close() {
        servers.forEach(EmbeddedPostgres::close);
    }
}
