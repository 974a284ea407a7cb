package dev.strata.examples.retail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.app.DemoRunner;
import dev.strata.examples.DemoOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo retail} end to end with a small scale data set (scenario 004 §9): the year of
 * the fixture backfilled and its exact numbers checked, December re-run, the routines, run log and
 * backups, then the scale data with changed dimensions; every acceptance item says {@code verified:}.
 */
class RetailDemoIT {
    @Test
    void shouldVerifyEveryAcceptanceItemOfTheRetailScenario(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        DemoRunner demo = new DemoRunner(new RetailExample(RetailData.Scale.small(), false),
                DemoOptions.defaults().withDataDir(dir).withConsole(false), new PrintWriter(text, true));
        boolean ok = demo.run(new CountDownLatch(1));
        System.out.println(text);
        assertThat(ok).as(text.toString()).isTrue();
        String out = text.toString();
        assertThat(out).doesNotContain("NOT verified")
                .contains("fixture: cdm.dim_customers has exactly 9 rows (ids 1-9) and cdm.dim_products 20 (ids 1-20)")
                .contains("fixture: cdm.fact_sales has exactly 9 rows, sum(qty) = 110")
                .contains("most_popular_product() = 'NTRLN EX-PREMATURE, BLG 6X800G' (product 18, total qty 39)")
                .contains("USA 44 (3 sales), Germany 42 (2 sales), Canada 10 (1 sale), Ukraine 8 (2 sales), Russia 6 (1 sale) [4]")
                .contains("FOOD FRUIT POUCHES 47 (3 sales), MILK IFFO SPECIALS 39 (2 sales), FOOD FRUIT JARS 18 (3 sales), "
                        + "FOOD PLAIN CEREALS 6 (1 sale) [5]");
        for (String item : new String[] {"[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]", "[8]", "[9]", "[10]", "[11]", "[12]",
                "[13]"}) {
            assertThat(out).as("item %s", item).contains("verified: ").contains(item);
        }
        assertThat(out).contains("all hold");
    }
}
