package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source PostgreSQL server is stopped and started again (same data, same port) while changes
 * stream: the capture reconnects by itself and every change lands once.
 */
class CdcSourceRestartIT {

    @Test
    void shouldLandEachChangeOnceWhenTheSourceServerRestartsMidStream(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("source-data");
        EmbeddedPostgres server = EmbeddedPostgres.start(Optional.of(data));
        int port = server.port();
        try (CdcFixture f = new CdcFixture(server)) {
            CdcChangeScript.createTable(f, 1000);
            try (Landing landing = Landing.start(f.environment(f.project(f.yaml(List.of("items"), ""))))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("items").size() == 1000);
                List<CdcChangeScript.Event> first;
                try (CdcChangeScript script = new CdcChangeScript(f.sourceUrl, 7, 1000, 5)) {
                    script.start();
                    await().atMost(Duration.ofSeconds(60)).until(() -> script.committedCount() > 300);
                    first = script.finish();
                }
                server.close();   // mid-stream: the capture loses its connection
                // the server stays down while the capture retries (not for correctness: an outage to ride out)
                Thread.sleep(3000);
                server = EmbeddedPostgres.start(Optional.of(data), port);
                List<CdcChangeScript.Event> second;
                try (CdcChangeScript script = new CdcChangeScript(f.sourceUrl, 8, 0, 5)) {
                    script.continueAfter(first, 1000);
                    script.start();
                    await().atMost(Duration.ofSeconds(60)).until(() -> script.committedCount() > 300);
                    second = script.finish();
                }
                List<CdcChangeScript.Event> expected = new java.util.ArrayList<>(first);
                expected.addAll(second);
                // a marker committed after everything: changes land in commit order, so once it is
                // there, every earlier change is too, and any doubled one would be in the list
                f.source("INSERT INTO items VALUES (-1, -1, 'marker')");
                await().atMost(Duration.ofSeconds(120)).until(() -> f.changes("items").stream()
                        .anyMatch(c -> c.after() != null && c.after().contains("\"id\": -1,")));
                List<CdcFixture.Change> streamed = f.changes("items").stream()
                        .filter(c -> !c.op().equals("r") && !c.after().contains("\"id\": -1,")).toList();
                assertThat(streamed).hasSize(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    CdcFixture.Change c = streamed.get(i);
                    String row = c.op().equals("d") ? c.before() : c.after();
                    assertThat(row).as("change %d", i).contains("\"id\": " + expected.get(i).id() + ",")
                            .contains("\"v\": " + expected.get(i).v() + ",");
                }
                assertThat(f.warehouseLong("SELECT coalesce(sum(duplicates), 0) FROM strata.landing_batches")).isZero();
            }
        } finally {
            server.close();
        }
    }
}
