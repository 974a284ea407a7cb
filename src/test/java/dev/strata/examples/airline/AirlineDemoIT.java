package dev.strata.examples.airline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.app.DemoRunner;
import dev.strata.examples.DemoOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo airline} end to end (scenario 000 §9): the fixture snapshotted by CDC, the
 * change script captured up to its marker, the vault and the mart built, and acceptance items 3–15
 * each printed {@code verified:}.
 */
class AirlineDemoIT {
    @Test
    void shouldVerifyEveryAcceptanceItemOfTheAirlineScenario(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        DemoRunner demo = new DemoRunner(new AirlineExample(), DemoOptions.defaults().withDataDir(dir).withConsole(false),
                new PrintWriter(text, true));
        boolean ok = demo.run(new CountDownLatch(1));
        System.out.println(text);
        String out = text.toString();
        assertThat(ok).as(out).isTrue();
        assertThat(out).doesNotContain("NOT verified").contains("all hold");
        for (int item = 3; item <= 15; item++) {
            assertThat(out).as("item %d", item).containsPattern("(?m)^verified: .* \\[" + item + "\\]$");
        }
        assertThat(out).contains("the flight whose departure airport changed has 2 link_flight_departure_airport rows")
                .contains("for the 5 deleted ticket_flights rows it is a deletion");
    }

    @Test
    void shouldFailTheVerificationWhenAVaultRowIsMissing(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        DemoRunner demo = new DemoRunner(new AirlineExample(AirlineData.SEED,
                Optional.of("DELETE FROM dds.hub_airport WHERE airport_code = 'PKC'")),
                DemoOptions.defaults().withDataDir(dir).withConsole(false), new PrintWriter(text, true));
        boolean ok = demo.run(new CountDownLatch(1));
        String out = text.toString();
        assertThat(ok).as(out).isFalse();
        assertThat(out).contains("NOT verified: hub completeness")
                .contains("hub_airport: 19 rows, 19 keys, expected 20; missing [[PKC]]")
                .contains("NOT verified: satellite history").contains("NOT verified: order independence")
                .containsPattern("(?m)^verified: STG completeness: .* \\[3\\]$")
                .containsPattern("15 checks, \\d+ FAILED").doesNotContain("all hold");
    }
}
