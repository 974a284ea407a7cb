package dev.strata.examples.webshop;

import dev.strata.examples.DemoOptions;
import dev.strata.examples.Example;
import dev.strata.examples.Scenario;
import java.util.List;

/**
 * The web-shop example (scenario 003): a PostgreSQL shop database snapshotted daily, a Kafka stream of
 * registrations, three marts on the embedded MariaDB.
 */
public final class WebshopExample implements Example {
    public static final String NAME = "webshop";
    private final WebshopScenario.Profile profile;

    /** The seed's profile (what {@code strata demo webshop} runs). */
    public WebshopExample() {
        this(WebshopScenario.Profile.seed());
    }

    /** Another profile (tests run a small one). */
    public WebshopExample(WebshopScenario.Profile profile) {
        this.profile = profile;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a PostgreSQL shop (60,500 rows) snapshotted daily, registrations from Kafka, three marts on MariaDB, "
                + "the seed's acceptance items verified; --duration keeps the console up afterwards";
    }

    @Override
    public List<Need> needs() {
        return List.of(new Need(Server.SOURCE_POSTGRES, "SHOP_URL"), new Need(Server.KAFKA, "WEBSHOP_KAFKA_BOOTSTRAP"));
    }

    @Override
    public Shape shape() {
        return Shape.BATCH;
    }

    @Override
    public Scenario scenario(DemoOptions options) {
        return new WebshopScenario(profile);
    }
}
