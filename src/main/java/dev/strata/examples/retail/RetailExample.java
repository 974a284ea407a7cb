package dev.strata.examples.retail;

import dev.strata.examples.DemoOptions;
import dev.strata.examples.Example;
import dev.strata.examples.Scenario;
import java.util.List;

/**
 * The retail example (scenario 004): an operational sales database mirrored incrementally, a Data
 * Vault, the star schema and three marts, the seed's routines, run log and backups, on PostgreSQL.
 */
public final class RetailExample implements Example {
    public static final String NAME = "retail";
    private final RetailData.Scale scale;
    private final boolean rerunYear;

    /** The scenario's scale, the whole year re-run (what {@code strata demo retail} runs). */
    public RetailExample() {
        this(RetailData.Scale.seed(), true);
    }

    /** Another scale; {@code rerunYear} false re-runs December only (tests). */
    public RetailExample(RetailData.Scale scale, boolean rerunYear) {
        this.scale = scale;
        this.rerunYear = rerunYear;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a sales database mirrored by modify_date into a Data Vault and a star schema on PostgreSQL, with the "
                + "seed's routines, run log and backups; the fixture's numbers and 13 more acceptance items verified";
    }

    @Override
    public List<Need> needs() {
        return List.of(new Need(Server.SOURCE_POSTGRES, "RETAIL_URL"), new Need(Server.POSTGRES, "STRATA_WAREHOUSE_URL"));
    }

    @Override
    public Shape shape() {
        return Shape.BATCH;
    }

    @Override
    public Scenario scenario(DemoOptions options) {
        return new RetailScenario(scale, rerunYear);
    }
}
