package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.Secret;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata dead-letters list|show|replay} as a user reads them: one id convention, a tombstone
 * called by its name (a null value, not a null key), payload bytes that cannot act on the terminal
 * (issue 20 item 6), and file arguments that fail in one sentence (issue 20 item 10). Dead letters
 * are written as landing writes them, into a real warehouse.
 */
class DeadLettersCommandIT {
    private static final byte[] HOSTILE = "{\"object_id\":1,\"note\":\"\u001b[2J\u001b]0;pwned\u0007 done\r\u009b\u202eevil\"}"
            .getBytes(StandardCharsets.UTF_8);
    @TempDir
    Path dir;
    private String url;
    private long keyless;
    private long tombstone;
    private long hostile;
    private long notUtf8;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int strata(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @BeforeEach
    void letters() throws Exception {
        url = TestServers.newDatabaseUrl();
        Files.writeString(dir.resolve("strata.yaml"), """
                name: cli_dl
                warehouse: { url: "%s", user: postgres }
                sources:
                  orders: { kafka: { topic: orders, bootstrap: "localhost:1" }, key: $.object_id }
                """.formatted(url));
        try (Warehouse w = Warehouse.connect(url, "postgres", Secret.empty(), 2)) {
            w.migrate();
            keyless = letter(w, 1, null, "{\"object_id\":".getBytes(StandardCharsets.UTF_8), null, "not valid JSON: cut");
            tombstone = letter(w, 2, "k1".getBytes(StandardCharsets.UTF_8), null, null, "tombstone (a record with no value)");
            hostile = letter(w, 3, "k\u001b[31mred".getBytes(StandardCharsets.UTF_8), HOSTILE,
                    "{\"h\": \"\\u001b]0;title\\u0007\"}", "missing key: \u001b[2J in the reason");
            notUtf8 = letter(w, 4, null, new byte[] {'{', '"', 'a', (byte) 0xff, (byte) 0xfe, '"', '}'}, null,
                    "not valid UTF-8");
        }
    }

    private static long letter(Warehouse w, long position, byte[] key, byte[] value, String headers, String reason)
            throws Exception {
        try (Connection c = w.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO strata.dead_letters (pipeline, source, partition_id, position, raw_key, raw_value, headers, "
                        + "reason) VALUES ('cli_dl', 'orders', '0', ?, ?, ?, CAST(? AS jsonb), ?) RETURNING id")) {
            ps.setLong(1, position);
            ps.setBytes(2, key);
            ps.setBytes(3, value);
            ps.setString(4, headers);
            ps.setString(5, reason);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void shouldCallARecordWithoutValueATombstoneAndOneWithoutKeyKeyless() {
        assertThat(strata("dead-letters", "show", "--id", Long.toString(keyless), dir.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("key:        none").doesNotContain("tombstone")
                .contains("value (13 bytes):\n{\"object_id\":");
        assertThat(strata("dead-letters", "show", "--id", Long.toString(tombstone), dir.toString())).isZero();
        assertThat(out.toString()).contains("key:        k1").contains("value:      none (a tombstone: the record has no value)");
    }

    @Test
    void shouldTakeTheIdTheSameWayInShowAndReplay() {
        // the id is --id in both; a bare number says how to give it
        assertThat(strata("dead-letters", "show", Long.toString(keyless), dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--id " + keyless);
        assertThat(strata("dead-letters", "replay", "--id", Long.toString(tombstone), dir.toString())).isEqualTo(1);
        assertThat(out.toString()).contains(tombstone + " ");
        assertThat(strata("dead-letters", "list", dir.toString())).isZero();
        assertThat(out.toString()).contains("`strata dead-letters show --id <id>`", "`strata dead-letters replay --id <id>`");
    }

    @Tag("reliability")
    @Test
    void shouldPrintPayloadKeyHeadersAndReasonWithTheirControlBytesEscaped() throws Exception {
        assertThat(strata("dead-letters", "show", "--id", Long.toString(hostile), dir.toString())).as(err.toString()).isZero();
        String shown = out.toString();
        assertThat(shown).contains("\\x1b[2J\\x1b]0;pwned\\x07 done\\x0d\\u009b\\u202eevil")
                .contains("key:        k\\x1b[31mred")
                .contains("headers:    {\"h\": \"\\u001b]0;title\\u0007\"}")   // JSON text from the warehouse: already escaped
                .contains("reason:     missing key: \\x1b[2J in the reason");
        assertNoControlBytes(shown);

        assertThat(strata("dead-letters", "list", dir.toString())).isZero();
        assertThat(out.toString()).contains("\\x1b[2J").contains("missing key: \\x1b[2J");
        assertNoControlBytes(out.toString());

        // invalid UTF-8: the bytes as \xHH, the text around them as text
        assertThat(strata("dead-letters", "show", "--id", Long.toString(notUtf8), dir.toString())).isZero();
        assertThat(out.toString()).contains("{\"a\\xff\\xfe\"}");

        // --save-value: the exact bytes into a file, to fix and replay with --value-file
        Path saved = dir.resolve("letter.json");
        assertThat(strata("dead-letters", "show", "--id", Long.toString(hostile), "--save-value", saved.toString(),
                dir.toString())).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(saved)).isEqualTo(HOSTILE);
        assertThat(out.toString()).contains("value saved to " + saved + " (" + HOSTILE.length + " bytes)");
        assertThat(strata("dead-letters", "show", "--id", Long.toString(hostile), "--save-value", saved.toString(),
                dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(saved + " exists");
    }

    @Test
    void shouldRefuseAMissingOrUnreadableValueFileInOneSentence() throws Exception {
        // issue 20 item 10: a NoSuchFileException and a stack trace, "this is a bug in Strata"
        assertThat(strata("dead-letters", "replay", dir.toString(), "--id", Long.toString(keyless),
                "--value-file", "/nonexistent/fixed.json")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("error: cannot read /nonexistent/fixed.json (the fixed value "
                + "for --value-file): no such file");

        Path dirAsFile = Files.createDirectories(dir.resolve("fixes"));
        assertThat(strata("dead-letters", "replay", dir.toString(), "--id", Long.toString(keyless),
                "--value-file", dirAsFile.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("it is a directory").doesNotContain("Exception");

        Path locked = Files.writeString(dir.resolve("locked.json"), "{}");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(locked)) {   // root reads any file: the case cannot happen there
            assertThat(strata("dead-letters", "replay", dir.toString(), "--id", Long.toString(keyless),
                    "--value-file", locked.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("permission denied");
        }
    }

    private static void assertNoControlBytes(String text) {
        assertThat(text.chars().filter(c -> (c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c <= 0x9f)
                || c == 0x202e)).as(text).isEmpty();
    }
}
