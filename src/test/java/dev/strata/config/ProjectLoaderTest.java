package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectLoaderTest {
    private static final Path DIR = Path.of("project");
    private final ProjectLoader loader = new ProjectLoader(EnvResolver.of(Map.of(
            "KAFKA_BOOTSTRAP", "broker-1:9092",
            "PG_PASSWORD", "s3cr3t-pw")));

    private List<String> problems(String yaml) {
        try {
            loader.parse(DIR, yaml, "strata.yaml");
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the config to be rejected:\n" + yaml);
    }

    @Test
    void shouldReadAValidProjectIntoRecords() {
        ProjectConfig p = loader.parse(DIR, """
                name: food_delivery
                warehouse:
                  url: jdbc:postgresql://db:5432/dwh
                  user: loader
                  password: ${PG_PASSWORD}
                  pool_size: 4
                sources:
                  orders:
                    kafka:
                      bootstrap: ${KAFKA_BOOTSTRAP}
                      topic: order-service_orders
                    key: $.object_id
                    event_time: $.payload.date
                    dedup: { window: 5m }
                    batch: { max_records: 500, max_bytes: 2MB, max_wait: 200ms }
                vars:
                  threshold: "10"
                """, "strata.yaml");
        assertThat(p.name()).isEqualTo("food_delivery");
        assertThat(p.warehouse().url()).isEqualTo("jdbc:postgresql://db:5432/dwh");
        assertThat(p.warehouse().password().reveal()).isEqualTo("s3cr3t-pw");
        assertThat(p.warehouse().poolSize()).isEqualTo(4);
        SourceConfig orders = p.sources().get("orders");
        KafkaSourceSpec kafka = (KafkaSourceSpec) orders.spec();
        assertThat(kafka.bootstrap()).isEqualTo("broker-1:9092");
        assertThat(kafka.topic()).isEqualTo("order-service_orders");
        assertThat(kafka.format()).isEqualTo("json");
        assertThat(orders.key()).singleElement().satisfies(k -> assertThat(k.segments()).containsExactly("object_id"));
        assertThat(orders.eventTime().orElseThrow().segments()).containsExactly("payload", "date");
        assertThat(orders.dedupWindow()).contains(Duration.ofMinutes(5));
        assertThat(orders.batch()).isEqualTo(new BatchConfig(500, 2 * 1024 * 1024, Duration.ofMillis(200)));
        assertThat(p.vars().get("threshold")).satisfies(v -> {
            assertThat(v.type()).as("quoted: text").isEqualTo(dev.strata.config.ProjectVar.Type.STRING);
            assertThat(v.text()).isEqualTo("10");
        });
    }

    @Test
    void shouldDefaultToTheEmbeddedWarehouseAndBroker() {
        ProjectConfig p = loader.parse(DIR, """
                name: demo
                sources:
                  orders:
                    kafka: { topic: orders }
                """, "strata.yaml");
        assertThat(p.warehouse().isEmbedded()).isTrue();
        assertThat(((KafkaSourceSpec) p.sources().get("orders").spec()).isEmbedded()).isTrue();
        assertThat(p.console().bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldReportAMissingRequiredFieldAtItsParent() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka:
                      format: json
                """)).containsExactly("strata.yaml:4:5: sources.orders.kafka.topic: required");
    }

    @Test
    void shouldReportAMissingName() {
        assertThat(problems("""
                sources: {}
                """)).containsExactly("strata.yaml:1:1: name: required");
    }

    @Test
    void shouldSuggestTheKnownKeyForAMisspeltOne() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka:
                      topik: orders
                """)).containsExactly(
                "strata.yaml:4:5: sources.orders.kafka.topic: required",
                "strata.yaml:5:7: sources.orders.kafka.topik: unknown key (did you mean 'topic'?)");
    }

    @Test
    void shouldReportAnUnknownTopLevelKeyWithoutSuggestionWhenNothingIsClose() {
        assertThat(problems("""
                name: demo
                frobnicate: true
                """)).containsExactly("strata.yaml:2:1: frobnicate: unknown key");
    }

    @Test
    void shouldReportAWrongType() {
        assertThat(problems("""
                name: demo
                warehouse:
                  pool_size: ten
                """)).containsExactly("strata.yaml:3:14: warehouse.pool_size: expected an integer, got 'ten'");
    }

    @Test
    void shouldReportAMappingWhereTextIsExpected() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka:
                      topic: { name: orders }
                """)).containsExactly("strata.yaml:5:14: sources.orders.kafka.topic: expected a text value, got a mapping");
    }

    @Test
    void shouldRejectAnIdentifierThatIsNotASafeSqlName() {
        assertThat(problems("""
                name: demo
                sources:
                  "orders; drop table x":
                    kafka: { topic: orders }
                """)).containsExactly("strata.yaml:3:3: sources.orders; drop table x: 'orders; drop table x' is not a safe SQL name "
                + "(letters, digits and _, not starting with a digit, at most 63 characters)");
    }

    @Test
    void shouldRejectAProjectNameStartingWithADigit() {
        assertThat(problems("""
                name: 9lives
                """)).containsExactly("strata.yaml:1:7: name: '9lives' is not a safe SQL name "
                + "(letters, digits and _, not starting with a digit, at most 63 characters)");
    }

    @Test
    void shouldRejectADuplicateSourceName() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka: { topic: a }
                  orders:
                    kafka: { topic: b }
                """)).containsExactly("strata.yaml:5:3: sources.orders: duplicate key (first defined at line 3)");
    }

    @Test
    void shouldNameAMissingEnvironmentVariableAndItsLine() {
        assertThat(problems("""
                name: demo
                warehouse:
                  url: jdbc:postgresql://db/dwh
                  password: ${DWH_PASSWORD}
                """)).containsExactly("strata.yaml:4:13: warehouse.password: environment variable DWH_PASSWORD is not set "
                + "and has no default (write ${DWH_PASSWORD:-default} to give one)");
    }

    @Test
    void shouldRejectAnUnclosedOrMalformedVariableReferenceAtItsColumn() {
        // issue 19.5: an unclosed ${ORDERS_TOPIC was taken literally as the topic's name
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka:
                      topic: ${ORDERS_TOPIC
                      bootstrap: x:9092
                  other:
                    kafka:
                      topic: "prefix-${TOPIC_NAME:-t"
                      bootstrap: ${KAFKA_BOOTSTRAP:-x:9092}
                  third:
                    kafka:
                      topic: a-${not a name}
                      bootstrap: x:9092
                """)).containsExactly(
                "strata.yaml:5:14: sources.orders.kafka.topic: '${' is not closed: write ${ORDERS_TOPIC} "
                        + "(or $${ for a literal '${')",
                "strata.yaml:9:22: sources.other.kafka.topic: '${' is not closed: write ${TOPIC_NAME:-t} "
                        + "(or $${ for a literal '${')",
                "strata.yaml:13:16: sources.third.kafka.topic: '${not a name}' is not a variable reference: "
                        + "write ${NAME} or ${NAME:-default}, NAME of letters, digits and _ (or $${ for a literal '${')");
    }

    @Test
    void shouldKeepADollarThatStartsNoReference() throws Exception {
        EnvResolver env = EnvResolver.of(Map.of("A", "1"));
        assertThat(env.resolve("$.payload.id")).isEqualTo("$.payload.id");
        assertThat(env.resolve("cost $5 and $${A} and ${A}")).isEqualTo("cost $5 and ${A} and 1");
        assertThat(env.resolve("end $")).isEqualTo("end $");
    }

    @Test
    void shouldUseTheDefaultOfAnUnsetVariable() {
        ProjectConfig p = loader.parse(DIR, """
                name: demo
                warehouse:
                  url: ${DWH_URL:-embedded:postgres}
                """, "strata.yaml");
        assertThat(p.warehouse().url()).isEqualTo("embedded:postgres");
    }

    @Test
    void shouldAcceptTheEmbeddedMariaDbWarehouse() {
        ProjectConfig p = loader.parse(DIR, """
                name: demo
                warehouse:
                  url: embedded:mariadb
                """, "strata.yaml");
        assertThat(p.warehouse().isEmbedded()).isTrue();
        assertThat(p.warehouse().isEmbeddedMariaDb()).isTrue();
    }

    @Test
    void shouldRejectAnEmbeddedWarehouseStrataCannotStart() {
        assertThat(problems("""
                name: demo
                warehouse:
                  url: embedded:oracle
                """)).singleElement().asString().startsWith("strata.yaml:3:")
                .contains("warehouse.url").contains("embedded:postgres or embedded:mariadb");
    }

    @Test
    void shouldReportMalformedYamlWithItsLine() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka: { topic: orders
                  users: x
                """)).singleElement().asString().startsWith("strata.yaml:5:").contains("malformed YAML");
    }

    @Test
    void shouldReportATabIndentedFileAsMalformed() {
        assertThat(problems("name: demo\nsources:\n\torders: {}\n"))
                .singleElement().asString().startsWith("strata.yaml:3:1: malformed YAML");
    }

    @Test
    void shouldRejectAnUnknownFormatWithASuggestion() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka: { topic: orders, format: jsn }
                """)).containsExactly("strata.yaml:4:37: sources.orders.kafka.format: 'jsn' is not one of json, debezium (did you mean 'json'?)");
    }

    @Test
    void shouldRejectABadDuration() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka: { topic: orders }
                    key: $.id
                    dedup: { window: 5 minutes }
                """)).containsExactly("strata.yaml:6:22: sources.orders.dedup.window: expected a duration such as 500ms, 30s, 5m, 1h or 1d, got '5 minutes'");
    }

    @Test
    void shouldRejectABadJsonPath() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    kafka: { topic: orders }
                    key: object_id
                """)).containsExactly("strata.yaml:5:10: sources.orders.key: a JSON path starts with '$', such as $.payload.user.id; got 'object_id'");
    }

    @Test
    void shouldRejectASourceWithoutKind() {
        assertThat(problems("""
                name: demo
                sources:
                  orders:
                    key: $.id
                """)).containsExactly("strata.yaml:3:3: sources.orders: needs a kind: kafka, redis, jdbc or cdc");
    }

    @Test
    void shouldReportEveryProblemInFileOrder() {
        List<String> all = problems("""
                name: demo
                warehouse:
                  pool_size: 0
                  pasword: x
                sources:
                  orders:
                    kafka: { }
                """);
        assertThat(all).containsExactly(
                "strata.yaml:3:3: warehouse.pool_size: must be between 1 and 200",
                "strata.yaml:4:3: warehouse.pasword: unknown key (did you mean 'password'?)",
                "strata.yaml:7:5: sources.orders.kafka.topic: required");
    }

    @Test
    void shouldNeverShowAPasswordInMessagesOrToString() {
        ProjectConfig p = loader.parse(DIR, """
                name: demo
                warehouse:
                  url: jdbc:postgresql://db/dwh?password=inline-pw
                  password: ${PG_PASSWORD}
                """, "strata.yaml");
        assertThat(p.toString()).doesNotContain("s3cr3t-pw").doesNotContain("inline-pw");
        assertThat(p.warehouse().redactedUrl()).isEqualTo("jdbc:postgresql://db/dwh?password=******");
        List<String> msgs = problems("""
                name: demo
                warehouse:
                  password: [ "s3cr3t-pw" ]
                """);
        assertThat(String.join("\n", msgs)).doesNotContain("s3cr3t-pw").contains("warehouse.password: expected a text value, got a list");
    }

    @Test
    void shouldRejectAnEmptyFile() {
        assertThat(problems("")).containsExactly("strata.yaml:1:1: the file is empty; it needs at least 'name:'");
    }
}
