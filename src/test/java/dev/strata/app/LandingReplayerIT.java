package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.ingest.DeadLetters;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's replay button as {@link PipelineRuntime} wires it: a dead letter lands through the
 * landing's replay into STG, and the continuous vault is told that its source landed rows.
 */
class LandingReplayerIT {
    @TempDir
    Path dir;

    private static long deadLetter(Warehouse w, String pipeline, long offset, String value) throws Exception {
        try (Connection c = w.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO strata.dead_letters "
                + "(pipeline, source, partition_id, position, raw_value, reason) VALUES (?, 'orders', '0', ?, ?, 'bad JSON') "
                + "RETURNING id")) {
            ps.setString(1, pipeline);
            ps.setLong(2, offset);
            ps.setBytes(3, value.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long count(Warehouse w, String sql) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void shouldLandAReplayedDeadLetterAndTellTheContinuousVaultItsSource() throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), """
                name: replays
                sources:
                  orders: { kafka: { topic: orders }, key: $.id }
                """);
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            List<String> told = new ArrayList<>();
            LandingReplayer replayer = new LandingReplayer(new DeadLetters(project, w, "test"), told::add,
                    project.sources().keySet());
            long stillBad = deadLetter(w, "replays", 7, "{\"id\": ");
            long fixed = deadLetter(w, "replays", 8, "{\"id\": \"o-8\"}");

            assertThat(replayer.replay(stillBad)).startsWith("still cannot land");
            assertThat(told).isEmpty();
            assertThat(replayer.replay(fixed)).startsWith("landed into stg.orders");
            assertThat(told).containsExactly("orders");
            assertThat(count(w, "SELECT count(*) FROM stg.orders WHERE _key = 'o-8' AND _offset = 8")).isEqualTo(1);

            long another = deadLetter(w, "replays", 9, "{\"id\": \"o-9\"}");
            assertThat(replayer.replayAll(Optional.empty())).isEqualTo(1);
            assertThat(told).containsExactly("orders", "orders");
            assertThat(count(w, "SELECT count(*) FROM strata.dead_letters WHERE id = " + another + " AND replayed_at IS NOT NULL"))
                    .isEqualTo(1);
            assertThat(replayer.replay(fixed)).startsWith("already replayed");
            assertThat(told).hasSize(2);
        }
    }
}
