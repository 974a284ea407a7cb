package dev.strata.examples.fintech;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.examples.ExampleProjects;
import dev.strata.schedule.NodeSchedule;
import dev.strata.schedule.Pipeline;
import dev.strata.warehouse.Warehouses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example project as a user gets it (scenario 001 §9 items 2 and 16, §6): the seed DAG's graph
 * and calendar, and no host, credential or topic anywhere in its pipeline code — all of them come
 * from the environment, with defaults for the demo.
 */
class FintechProjectTest {
    @TempDir
    Path dir;

    private ProjectConfig load(Map<String, String> env) {
        ExampleProjects.copy("fintech", dir);
        return new ProjectLoader(EnvResolver.of(env)).load(dir);
    }

    @Test
    void shouldWireTheSeedsTaskGraph() {
        Pipeline p = Pipeline.load(load(Map.of()), Warehouses.forUrl("embedded:postgres"));
        assertThat(p.graph().upstreamOf("dump_transactions")).contains("init");
        assertThat(p.graph().upstreamOf("dump_currencies")).contains("init");
        assertThat(p.graph().upstreamOf("load_transactions")).contains("dump_transactions").doesNotContain("dump_currencies");
        assertThat(p.graph().upstreamOf("load_currencies")).contains("dump_currencies").doesNotContain("dump_transactions");
        assertThat(p.graph().upstreamOf("make_dwh")).contains("load_transactions", "load_currencies", "hub_transaction",
                "sat_transaction_status", "link_currency_rate");
        assertThat(p.graph().upstreamOf("global_metrics")).containsExactly("make_dwh");
        assertThat(p.graph().downstreamOf("global_metrics")).isEmpty();
        assertThat(p.scheduledNodes()).containsExactlyInAnyOrder("init", "dump_transactions", "dump_currencies",
                "load_transactions", "load_currencies", "make_dwh", "global_metrics");
        // the vault loads after every landed batch, as Strata's default
        for (String target : List.of("hub_transaction", "hub_account", "hub_currency", "link_transaction_account_from",
                "link_transaction_account_to", "link_transaction_currency", "link_currency_rate", "sat_transaction_status",
                "sat_transaction")) {
            assertThat(p.schedule(target).isContinuous()).as(target).isTrue();
        }
    }

    @Test
    void shouldScheduleEveryTaskLikeTheSeedsDag() {
        Pipeline p = Pipeline.load(load(Map.of()), Warehouses.forUrl("embedded:postgres"));
        for (String node : p.scheduledNodes()) {
            NodeSchedule s = p.schedule(node);
            assertThat(s.start()).as(node).contains(Instant.parse("2022-10-02T00:00:00Z"));
            assertThat(s.end()).as(node).contains(Instant.parse("2022-11-01T00:00:00Z"));
            assertThat(s.catchup()).as(node).isTrue();
            assertThat(s.offset()).as(node).isEqualTo(Duration.ofDays(-1));
            assertThat(s.dependsOnPast()).as(node).isTrue();
            assertThat(s.waitForDownstream()).as(node).isTrue();
            assertThat(s.retries()).as(node).isEqualTo(1);
            assertThat(s.retryDelay()).as(node).isEqualTo(Duration.ofMinutes(5));
            var runs = s.between(Instant.parse("2022-09-01T00:00:00Z"), Instant.parse("2022-12-01T00:00:00Z"));
            assertThat(runs).as(node).hasSize(31);
            assertThat(runs.get(0).data().start()).isEqualTo(Instant.parse("2022-10-01T00:00:00Z"));
            assertThat(runs.get(30).data().start()).isEqualTo(Instant.parse("2022-10-31T00:00:00Z"));
        }
    }

    @Test
    void shouldTakeHostsCredentialsTopicAndRetryDelayFromTheEnvironment() {
        ProjectConfig p = load(Map.of("FINTECH_KAFKA_BOOTSTRAP", "kafka-1:9093", "FINTECH_TOPIC", "provider.events",
                "STRATA_WAREHOUSE_URL", "jdbc:postgresql://dwh:5432/fintech", "STRATA_WAREHOUSE_USER", "loader",
                "STRATA_WAREHOUSE_PASSWORD", "pw", "FINTECH_RETRY_DELAY", "2s"));
        for (String source : List.of("transactions_raw", "currencies_raw")) {
            KafkaSourceSpec k = (KafkaSourceSpec) p.sources().get(source).spec();
            assertThat(k.bootstrap()).isEqualTo("kafka-1:9093");
            assertThat(k.topic()).isEqualTo("provider.events");
        }
        assertThat(p.warehouse().url()).isEqualTo("jdbc:postgresql://dwh:5432/fintech");
        assertThat(p.warehouse().user()).isEqualTo("loader");
        assertThat(p.warehouse().password().reveal()).isEqualTo("pw");
        Pipeline pipeline = Pipeline.load(p, Warehouses.forUrl("embedded:postgres"));
        assertThat(pipeline.scheduledNodes()).allSatisfy(n ->
                assertThat(pipeline.schedule(n).retryDelay()).isEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void shouldNameNoHostCredentialOrTopicInItsPipelineCode() throws IOException {
        load(Map.of());
        Pattern forbidden = Pattern.compile("(?i)localhost|127\\.0\\.0\\.1|\\b\\d{1,3}(\\.\\d{1,3}){3}\\b|:\\d{4,5}\\b|jdbc:|"
                + "password|passwd|secret|sasl|bootstrap|transaction-service-input|\\btopic\\b");
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> sql = files.filter(f -> f.toString().endsWith(".sql")).toList();
            assertThat(sql).hasSizeGreaterThanOrEqualTo(10);
            for (Path f : sql) {
                assertThat(forbidden.matcher(Files.readString(f)).find()).as("%s names a host, credential or topic", f).isFalse();
            }
        }
        // in strata.yaml, every connection setting is an environment variable (with a default for the demo)
        for (String line : Files.readAllLines(dir.resolve("strata.yaml"))) {
            String t = line.strip();
            if (t.matches("(url|user|password|bootstrap|topic):.*")) {
                assertThat(t).as("strata.yaml: %s", t).matches("[a-z]+: \\$\\{[A-Z_]+(:-[^}]*)?}");
            }
        }
    }
}
