package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.embedded.Durability;
import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.embedded.StreamingReplica;
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
 * {@code X_URL}, {@code X_HOST}, {@code X_PORT} and {@code X_DATABASE}. A
 * {@link Example.Server#SOURCE_REPLICA} need ({@code X_REPLICA_URL}) starts a streaming replica of
 * the (one) source server, under {@code source-replica/} with a data directory; its replication
 * password is {@code X_REPLICATION_PASSWORD} from the environment, else new at every start.
 * Closed after the demo, replicas first.
 */
final class DemoSourceDatabases implements AutoCloseable {
    /** The folder of the source server's data under a demo's data directory. */
    static final String DIR = "source-postgres";

    /** The folder of the source server's replica under a demo's data directory. */
    static final String REPLICA_DIR = "source-replica";

    private final List<EmbeddedPostgres> servers;
    private final List<StreamingReplica> replicas;
    private final Map<String, String> variables;

    private DemoSourceDatabases(List<EmbeddedPostgres> servers, List<StreamingReplica> replicas, Map<String, String> variables) {
        this.servers = servers;
        this.replicas = replicas;
        this.variables = variables;
    }

    /** Starts a source PostgreSQL for each such need (none: nothing); {@code env} is the environment to check. */
    static DemoSourceDatabases start(List<Example.Need> needs, Optional<Path> dataDir, Function<String, String> env) {
        List<Example.Need> wanted = needs.stream().filter(n -> n.server() == Example.Server.SOURCE_POSTGRES).toList();
        List<Example.Need> standbys = needs.stream().filter(n -> n.server() == Example.Server.SOURCE_REPLICA).toList();
        if (!standbys.isEmpty() && wanted.size() != 1) {
            throw new IllegalArgumentException("a streaming replica needs exactly one source PostgreSQL, not " + wanted.size());
        }
        for (Example.Need n : java.util.stream.Stream.concat(wanted.stream(), standbys.stream()).toList()) {
            if (env.apply(n.variable()) != null) {
                throw new StrataException(ErrorCode.CONFIG, "the demo needs the embedded " + n.server().label()
                        + " (it fills it with the example's data); unset " + n.variable());
            }
        }
        List<EmbeddedPostgres> servers = new ArrayList<>();
        List<StreamingReplica> replicas = new ArrayList<>();
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
            for (Example.Need n : standbys) {
                String prefix = n.variable().endsWith("_REPLICA_URL")
                        ? n.variable().substring(0, n.variable().length() - "_REPLICA_URL".length()) : n.variable();
                Optional<Secret> password = Optional.ofNullable(env.apply(prefix + "_REPLICATION_PASSWORD"))
                        .filter(v -> !v.isEmpty()).map(Secret::of);
                StreamingReplica r = StreamingReplica.start(servers.get(0), dataDir.map(d -> d.resolve(REPLICA_DIR)), password);
                replicas.add(r);
                vars.put(n.variable(), r.jdbcUrl());
            }
        } catch (RuntimeException e) {
            replicas.forEach(StreamingReplica::close);
            servers.forEach(EmbeddedPostgres::close);
            throw e;
        }
        return new DemoSourceDatabases(List.copyOf(servers), List.copyOf(replicas), Map.copyOf(vars));
    }

    /** The value this sets for {@code name}, or null. */
    String variable(String name) {
        return variables.get(name);
    }

    List<EmbeddedPostgres> servers() {
        return servers;
    }

    /** The streaming replicas started for {@link Example.Server#SOURCE_REPLICA} needs. */
    List<StreamingReplica> replicas() {
        return replicas;
    }

    @Override
    public void close() {
        replicas.forEach(StreamingReplica::close);
        servers.forEach(EmbeddedPostgres::close);
    }
}
