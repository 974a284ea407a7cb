package dev.strata.examples;

import java.util.List;

/**
 * A bundled example pipeline: a project (strata.yaml, marts, checks, README under
 * {@code src/main/resources/examples/<name>/}), the embedded servers its demo needs, and a
 * {@link Scenario} that feeds it data, computes the ground truth in Java from what it fed, and
 * verifies the marts against it. {@code strata demo <name>}, {@code strata init --example <name>},
 * {@code --list} and the example contract test all work from this one description; an example is
 * registered by naming its class in {@code META-INF/services/dev.strata.examples.Example} (see
 * {@link Examples}). docs/examples.md says how to add one.
 *
 * <p>Implementations are stateless: every call of {@link #scenario} starts a new run.
 */
public interface Example {
    /** The name users type ({@code strata demo food-delivery}): lower case, words joined by '-'. */
    String name();

    /** One line for {@code --list}: what the example shows. */
    String description();

    /** Where its project lives on the class path: {@code examples/<name>} (strata.yaml at its top). */
    default String resources() {
        return "examples/" + name();
    }

    /**
     * The embedded servers the demo cannot do without, each with the variable that would point the
     * project elsewhere (the demo refuses to run when one is set: it seeds and inspects them itself).
     */
    List<Need> needs();

    /**
     * What {@code --duration} means: for a {@link Shape#STREAM} the time data is generated for
     * (default: until Ctrl-C); for a {@link Shape#BATCH} (a fixed data set, then backfill) how long
     * the console stays up after the verification.
     */
    Shape shape();

    /** A new run of the demo with these options. */
    Scenario scenario(DemoOptions options);

    /** How the demo's pipeline runs; the runner starts the matching parts. */
    enum Shape {
        /** Landing, continuous vault loads, the scheduler and the console, while the scenario feeds data. */
        STREAM,
        /** The warehouse and the console only: the scenario lands a fixed data set, then backfills. */
        BATCH
    }

    /**
     * An embedded server the demo needs.
     *
     * @param server   which one
     * @param variable the environment variable that, when set, points the project at another one
     */
    record Need(Server server, String variable) {
    }

    /**
     * The embedded servers a demo can ask for (sources other than Kafka and Redis add theirs here).
     * {@link #SOURCE_POSTGRES} is an operational database for {@code jdbc} sources, a server of its
     * own beside the warehouse: the runner starts it before it loads the project and hands it to the
     * project through the need's variable, {@code X_URL} (its JDBC URL), with {@code X_USER} and
     * {@code X_PASSWORD} beside it ({@code SHOP_URL}, {@code SHOP_USER}, {@code SHOP_PASSWORD}); the
     * scenario fills it through the URL the project's sources read. {@link #SOURCE_REPLICA} is a
     * physical streaming replica (hot standby) of that source server, started right after it; a
     * need {@code X_REPLICA_URL} sets {@code X_REPLICA_URL}, and the replication role's password is
     * {@code X_REPLICATION_PASSWORD} when that is set (else new at every start).
     */
    enum Server {
        POSTGRES("PostgreSQL"), KAFKA("broker"), REDIS("Redis"), SOURCE_POSTGRES("source PostgreSQL"),
        SOURCE_REPLICA("streaming replica of the source PostgreSQL");

        private final String label;

        Server(String label) {
            this.label = label;
        }

        /** As the demo's messages name it ("the demo needs the embedded broker"). */
        public String label() {
            return label;
        }
    }
}
