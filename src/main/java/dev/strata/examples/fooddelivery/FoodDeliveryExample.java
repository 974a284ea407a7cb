package dev.strata.examples.fooddelivery;

import dev.strata.examples.DemoOptions;
import dev.strata.examples.Example;
import dev.strata.examples.Scenario;
import java.util.List;

/** The food-delivery example (scenario 002): orders from Kafka, dictionaries from Redis, two counters marts. */
public final class FoodDeliveryExample implements Example {
    public static final String NAME = "food-delivery";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "orders from Kafka and dictionaries from Redis, streamed until Ctrl-C or --duration; two counters marts "
                + "verified against the generator's log";
    }

    @Override
    public List<Need> needs() {
        return List.of(new Need(Server.KAFKA, "KAFKA_BOOTSTRAP"), new Need(Server.REDIS, "REDIS_URL"));
    }

    @Override
    public Shape shape() {
        return Shape.STREAM;
    }

    @Override
    public Scenario scenario(DemoOptions options) {
        return new FoodDeliveryScenario(options);
    }
}
