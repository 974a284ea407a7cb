package dev.strata.cli;

import dev.strata.app.EmbeddedServices;
import dev.strata.app.PipelineRuntime;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.RedisSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.config.VaultExpression;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code strata run} prints once it runs: where every server is (embedded ones with their
 * addresses, since their ports change on every start), the console, and ready-to-paste commands
 * that send a test record to a Kafka source and to a Redis source.
 */
final class RunBanner {
    private RunBanner() {
    }

    static void print(PrintWriter out, ProjectConfig config, Path dirAsGiven, PipelineRuntime runtime) {
        EmbeddedServices services = runtime.services();
        out.println("  warehouse: " + services.postgres().map(pg -> "embedded PostgreSQL, data in " + pg.dataDir()
                        + "; look inside: " + pg.psqlCommand())
                .or(() -> services.mariadb().map(db -> "embedded MariaDB, data in " + db.dataDir()
                        + "; look inside: " + db.clientCommand()))
                .orElse(config.warehouse().redactedUrl()));
        List<SourceConfig> sources = config.sourcesInOrder();
        services.kafka().ifPresent(k -> out.println("  kafka    : " + k.bootstrap() + " (embedded), topic(s) "
                + String.join(", ", sources.stream().map(SourceConfig::spec).filter(s -> s instanceof KafkaSourceSpec ks
                        && ks.isEmbedded()).map(s -> ((KafkaSourceSpec) s).topic()).distinct().toList())));
        services.redis().ifPresent(r -> out.println("  redis    : " + r.url() + " (embedded), keys "
                + String.join(", ", sources.stream().map(SourceConfig::spec).filter(s -> s instanceof RedisSourceSpec rs
                        && rs.isEmbedded()).map(s -> ((RedisSourceSpec) s).keys()).distinct().toList())));
        runtime.consoleUrl().ifPresent(url -> out.println("  console  : " + url));
        String strata = Optional.ofNullable(System.getenv("STRATA_LAUNCHER")).filter(s -> !s.isBlank()).orElse("strata");
        String dir = dirAsGiven.toString().equals(".") ? "" : " " + SampleMessage.shellQuoted(dirAsGiven.toString());
        Optional<SourceConfig> kafka = sources.stream().filter(s -> s.spec() instanceof KafkaSourceSpec).findFirst();
        Optional<SourceConfig> redis = sources.stream().filter(s -> s.spec() instanceof RedisSourceSpec).findFirst();
        if (kafka.isPresent() || redis.isPresent()) {
            out.println("send a test record (JSON lines; a file works too: " + strata + " produce <source> records.jsonl"
                    + dir + "):");
        }
        kafka.ifPresent(s -> out.println("  echo " + SampleMessage.shellQuoted(SampleMessage.of(config, s)) + " | "
                + strata + " produce " + s.name() + " -" + dir));
        redis.ifPresent(s -> {
            String key = keyPath(config, s);
            out.println("  echo " + SampleMessage.shellQuoted(SampleMessage.of(config, s,
                    Optional.of(dev.strata.config.JsonPath.parse(key)))) + " | " + strata + " produce "
                    + s.name() + " -" + dir + " --key " + SampleMessage.shellQuoted(key));
        });
    }

    /** The path a Redis source's records are keyed by in the sample: what its first hub reads as the business key. */
    static String keyPath(ProjectConfig config, SourceConfig source) {
        return config.vault().hubs().values().stream()
                .flatMap(h -> h.from().stream())
                .filter(m -> m.source().equals(source.name()))
                .flatMap(m -> m.keys().values().stream().flatMap(List::stream))
                .filter(e -> e.kind() == VaultExpression.Kind.PAYLOAD_PATH)
                .map(e -> e.path().text())
                .findFirst().orElse("$.id");
    }
}
