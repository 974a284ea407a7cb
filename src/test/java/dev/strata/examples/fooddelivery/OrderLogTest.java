package dev.strata.examples.fooddelivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20 item 12: a log line a kill cut short must not swallow the record written after it. */
class OrderLogTest {

    private static OrderMessage message(long i) {
        return new OrderMessage(i, OrderMessage.Kind.ORDER, 1_000_000 + i, ("{\"object_id\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldStartTheNextRecordOnALineOfItsOwnAfterALineAKillCutShort(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("generator/orders.log");
        try (OrderLog log = OrderLog.append(file)) {
            log.write(message(0));
            log.write(message(1));
        }
        // the kill: half of the third line reached the file
        Files.writeString(file, "{\"i\":2,\"kind\":\"ORD", StandardOpenOption.APPEND);
        assertThat(OrderLog.read(file)).extracting(OrderMessage::index).containsExactly(0L, 1L);

        try (OrderLog log = OrderLog.append(file)) {
            log.write(message(2));
            log.write(message(3));
        }
        assertThat(OrderLog.read(file)).extracting(OrderMessage::index).containsExactly(0L, 1L, 2L, 3L);
        assertThat(Files.readString(file)).endsWith("\n").doesNotContain("\"ORD{");
    }

    @Test
    void shouldKeepACompleteLogAsItIs(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.log");
        try (OrderLog log = OrderLog.append(file)) {
            for (int i = 0; i < 500; i++) {   // longer than one read buffer of the torn-tail check
                log.write(message(i));
            }
        }
        long size = Files.size(file);
        try (OrderLog log = OrderLog.append(file)) {
            assertThat(Files.size(file)).isEqualTo(size);
        }
        assertThat(OrderLog.read(file)).hasSize(500);
    }
}
