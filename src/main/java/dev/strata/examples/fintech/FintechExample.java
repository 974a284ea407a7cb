package dev.strata.examples.fintech;

import dev.strata.examples.DemoOptions;
import dev.strata.examples.Example;
import dev.strata.examples.Scenario;
import java.util.List;

/** The fintech example (scenario 001): transactions and rates on one topic, an October-2022 backfill. */
public final class FintechExample implements Example {
    public static final String NAME = "fintech";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "transactions and currency rates from one Kafka topic, the October-2022 backfill (31 daily runs), "
                + "every layer and a data test verified; --duration keeps the console up afterwards";
    }

    @Override
    public List<Need> needs() {
        return List.of(new Need(Server.KAFKA, "FINTECH_KAFKA_BOOTSTRAP"), new Need(Server.POSTGRES, "STRATA_WAREHOUSE_URL"));
    }

    @Override
    public Shape shape() {
        return Shape.BATCH;
    }

    @Override
    public Scenario scenario(DemoOptions options) {
        return new FintechScenario();
    }
}
