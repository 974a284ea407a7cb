package dev.strata.examples.webshop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.app.DemoRunner;
import dev.strata.embedded.EmbeddedMariaDb;
import dev.strata.examples.Checks;
import dev.strata.examples.DemoOptions;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo webshop} end to end at a tenth of the seed's shop (scenario 003 §9): the demo's
 * own verification holds, every acceptance item it checks says {@code verified:}; then the warehouse
 * it left is opened again, its marts equal the ground truth computed here from the generator, and a
 * corrupted mart row makes the verification fail.
 */
class WebshopDemoIT {
    @Test
    void shouldVerifyTheWebshopMartsAndFailOnACorruptedRow(@TempDir Path dir) throws Exception {
        WebshopScenario.Profile profile = WebshopScenario.Profile.scaled(0.1);
        StringWriter text = new StringWriter();
        DemoRunner demo = new DemoRunner(new WebshopExample(profile), DemoOptions.defaults().withDataDir(dir).withConsole(false),
                new PrintWriter(text, true));
        boolean ok = demo.run(new CountDownLatch(1));
        System.out.println(text);
        assertThat(ok).as(text.toString()).isTrue();
        assertThat(text.toString()).doesNotContain("NOT verified")
                .contains("verified: the shop database holds exactly 500 users, 50 products, 1,000 orders, 4,000 order details, "
                        + "500 product categories [2]")
                .contains("inserted 0 rows [3]").contains("[4]").contains("[7]").contains("[8-12]").contains("[13]")
                .contains("[14]").contains("[15]").contains("[16]").contains("[17]")
                .contains("verified: the warehouse user set (cdm.users) holds 500 + 800 = 1,300 users, each once [6]")
                .contains("landed nothing new").contains("all hold");

        ShopTruth truth = new ShopTruth(WebshopScenario.shopData(profile));
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(dir.resolve("mariadb")), EmbeddedMariaDb.Options.fast());
             Warehouse w = Warehouse.connect(db.jdbcUrl(), db.user(), db.password(), 2)) {
            WebshopVerifier verifier = new WebshopVerifier(w);
            assertThat(verifier.martDifferences(truth)).isEmpty();
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE cdm.mart_average_check SET average_check = average_check + 0.01 "
                        + "ORDER BY status, loyalty_status LIMIT 1");
            }
            assertThat(verifier.martDifferences(truth)).singleElement().asString().contains("mart_average_check", "expected");
            Checks checks = new Checks();
            verifier.marts(truth, checks);
            assertThat(checks.ok()).isFalse();
        }
    }
}
