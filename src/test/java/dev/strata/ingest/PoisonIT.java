package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.cli.Main;
import dev.strata.runtime.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test 5: poison records end in dead letters with their bytes and a clear reason; good ones land; a fixed one replays once. */
class PoisonIT {
    private static final String KEYED = "    key: $.object_id\n";

    @Test
    void shouldSetEachPoisonRecordAsideAndLandEveryGoodOneThenReplayAFixedRecordOnce(@TempDir Path dir) throws Exception {
        try (LandingFixture f = new LandingFixture(2, Map.of("max.message.bytes", Integer.toString(8 << 20)))) {
            Map<String, byte[]> poison = new LinkedHashMap<>();
            poison.put("not valid JSON: ", b("{\"object_id\":\"bad-1\", broken"));
            byte[] notUtf8 = b("{\"object_id\":\"bad-2\",\"name\":\"..\"}");
            notUtf8[27] = (byte) 0xFF;
            notUtf8[28] = (byte) 0xFE;
            poison.put("not valid UTF-8", notUtf8);
            poison.put("not a JSON object: the value is an array", b("[{\"object_id\":\"bad-3\"}]"));
            poison.put("over max_message_bytes", b("{\"object_id\":\"bad-4\",\"blob\":\"" + "x".repeat(5 << 20) + "\"}"));
            poison.put("missing key: no value at $.object_id", b("{\"id\":\"bad-5\"}"));
            poison.put("empty value", new byte[0]);
            poison.put("tombstone", null);
            poison.put("rejected by the warehouse", b("{\"object_id\":\"bad-8\",\"n\":1e1000000}"));

            java.util.List<byte[]> poisonValues = new java.util.ArrayList<>(poison.values());
            int good = 0;
            for (int i = 0; i < 400; i++) {
                f.send(i % 2, null, LandingFixture.order("g-" + good, good));
                good++;
                if (i % 50 == 25 && i / 50 < poison.size()) {
                    f.send(i % 2, "k", poisonValues.get(i / 50));
                }
            }
            f.flush();

            Environment env = f.environment(KEYED);
            try (Landing ignored = Landing.start(env)) {
                await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
                assertThat(env.metrics().get("strata.landing.dead_letters").counters()).hasSize(poison.size());
            }
            assertThat(f.rows()).as("every good record landed").isEqualTo(good);
            assertThat(f.scalar("SELECT count(*) FROM stg.orders WHERE _key LIKE 'bad-%'")).isZero();
            assertThat(f.scalar("SELECT count(*) FROM strata.dead_letters")).isEqualTo(poison.size());
            for (Map.Entry<String, byte[]> e : poison.entrySet()) {
                try (Connection c = f.warehouse.connection(); PreparedStatement ps = c.prepareStatement(
                        "SELECT raw_value, reason, raw_key FROM strata.dead_letters WHERE reason LIKE ?")) {
                    ps.setString(1, "%" + e.getKey() + "%");
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("a dead letter for: %s", e.getKey()).isTrue();
                        assertThat(rs.getBytes(1)).as("raw bytes of: %s", e.getKey()).isEqualTo(e.getValue());
                        assertThat(rs.getBytes(3)).isEqualTo(b("k"));
                        assertThat(rs.next()).as("one dead letter for: %s", e.getKey()).isFalse();
                    }
                }
            }

            // Replay: the invalid JSON record, fixed, through the CLI; it lands once.
            long id = f.scalar("SELECT id FROM strata.dead_letters WHERE reason LIKE 'not valid JSON%'");
            Path project = f.writeProject(dir, KEYED);
            Path fixed = Files.writeString(dir.resolve("fixed.json"), "{\"object_id\":\"bad-1\",\"fixed\":true}");
            String listed = run(0, "dead-letters", "list", project.toString());
            assertThat(listed).contains("8 dead letter(s) shown").contains("bad-1\", broken");
            String replayed = run(0, "dead-letters", "replay", project.toString(), "--id", Long.toString(id),
                    "--value-file", fixed.toString());
            assertThat(replayed).contains("landed with a fixed value").contains("1 landed, 0 still pending");
            assertThat(run(0, "dead-letters", "replay", project.toString(), "--id", Long.toString(id),
                    "--value-file", fixed.toString())).contains("already_replayed");
            assertThat(f.strings("SELECT _payload->>'fixed' FROM stg.orders WHERE _key = 'bad-1'")).containsExactly("true");

            // Replaying the rest unchanged lands nothing: they stay pending, with their reasons; exit code 1.
            String rest = run(1, "dead-letters", "replay", project.toString(), "--all");
            assertThat(rest).contains("replayed 7 dead letter(s): 0 landed, 7 still pending");
            assertThat(f.rows()).isEqualTo(good + 1);
            assertThat(f.scalar("SELECT count(*) FROM strata.dead_letters WHERE replayed_at IS NULL")).isEqualTo(7);
            assertThat(run(0, "dead-letters", "show", "--id", Long.toString(id), project.toString()))
                    .contains("replayed at").contains("bad-1\", broken");
        }
    }

    private static String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(code).as("exit code of %s; stderr: %s; stdout: %s", Arrays.toString(args), err, out).isEqualTo(expectedExit);
        return out.toString();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
