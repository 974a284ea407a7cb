package dev.strata.examples.airline;

import dev.strata.examples.DemoOptions;
import dev.strata.examples.Example;
import dev.strata.examples.Scenario;
import java.util.List;

/**
 * The airline example (scenario 000): an operational airline database captured by CDC (Debezium,
 * embedded) into STG, a Data Vault with effectivity satellites fed from it continuously, and the
 * seed's airport-traffic script as a mart computed from the vault's current state, on PostgreSQL.
 */
public final class AirlineExample implements Example {
    public static final String NAME = "airline";
    private final long seed;
    private final java.util.Optional<String> tamper;

    /** The scenario's fixed seed (what {@code strata demo airline} runs). */
    public AirlineExample() {
        this(AirlineData.SEED, java.util.Optional.empty());
    }

    /** Tests: another seed, and a statement run on the warehouse just before the verification (to see it fail). */
    public AirlineExample(long seed, java.util.Optional<String> tamper) {
        this.seed = seed;
        this.tamper = tamper;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "an airline database captured by CDC (snapshot, then updates, inserts and deletes) into a Data Vault "
                + "with effectivity satellites, and the airport-traffic mart; 15 acceptance items verified";
    }

    @Override
    public List<Need> needs() {
        // a cdc source names its server by host, port and database: the runner sets AIRLINE_HOST, _PORT, _DATABASE, ...
        return List.of(new Need(Server.SOURCE_POSTGRES, "AIRLINE_HOST"), new Need(Server.SOURCE_REPLICA, "AIRLINE_REPLICA_URL"),
                new Need(Server.POSTGRES, "STRATA_WAREHOUSE_URL"));
    }

    @Override
    public Shape shape() {
        return Shape.STREAM;
    }

    @Override
    public Scenario scenario(DemoOptions options) {
        return new AirlineScenario(seed, tamper);
    }
}
