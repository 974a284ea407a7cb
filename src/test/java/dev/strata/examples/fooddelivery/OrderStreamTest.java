package dev.strata.examples.fooddelivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderStreamTest {
    private final Dictionaries dict = Dictionaries.generate(7, 1000, 4, 25);

    private static List<OrderMessage> take(OrderStream s, int n) {
        List<OrderMessage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.next());
        }
        return out;
    }

    @Test
    void shouldProduceTheSameBytesForTheSameSeed() {
        List<OrderMessage> a = take(new OrderStream(dict, 42, OrderStream.Profile.defaults()), 3000);
        List<OrderMessage> b = take(new OrderStream(Dictionaries.generate(7, 1000, 4, 25), 42, OrderStream.Profile.defaults()), 3000);
        for (int i = 0; i < a.size(); i++) {
            assertThat(Arrays.equals(a.get(i).value(), b.get(i).value())).as("message %d", i).isTrue();
        }
        List<OrderMessage> c = take(new OrderStream(dict, 43, OrderStream.Profile.defaults()), 50);
        assertThat(c.get(1).text()).isNotEqualTo(a.get(1).text());
    }

    @Test
    void shouldFollowTheScenarioProfile() throws Exception {
        List<OrderMessage> all = take(new OrderStream(dict, 1, OrderStream.Profile.defaults()), 20_000);
        Map<OrderMessage.Kind, Integer> kinds = new EnumMap<>(OrderMessage.Kind.class);
        all.forEach(m -> kinds.merge(m.kind(), 1, Integer::sum));
        int orders = kinds.get(OrderMessage.Kind.ORDER);
        assertThat(kinds.get(OrderMessage.Kind.DUPLICATE) / (double) orders).isBetween(0.02, 0.04);
        assertThat(kinds.get(OrderMessage.Kind.CANCELLATION) / (double) orders).isBetween(0.003, 0.012);
        assertThat(kinds.get(OrderMessage.Kind.MALFORMED)).isPositive();
        Map<String, Integer> finals = new HashMap<>();
        for (OrderMessage m : all) {
            if (m.kind() == OrderMessage.Kind.ORDER || m.kind() == OrderMessage.Kind.STATUS_UPDATE) {
                JsonNode p = Dictionaries.JSON.readTree(m.value()).get("payload");
                finals.merge(p.get("final_status").asText(), 1, Integer::sum);
                int items = p.get("order_items").size();
                assertThat(items).isBetween(1, 4);
                long cost = 0;
                for (JsonNode it : p.get("order_items")) {
                    cost += it.get("price").asLong() * it.get("quantity").asLong();
                }
                assertThat(p.get("cost").asLong()).isEqualTo(cost);
                assertThat(p.get("payment").asLong()).isEqualTo(cost - p.get("bonus_payment").asLong());
            }
        }
        assertThat(finals.get("CLOSED") / (double) (finals.get("CLOSED") + finals.get("CANCELLED"))).isBetween(0.75, 0.86);
        // status updates replace an intermediate first message
        assertThat(finals.keySet()).contains("OPEN", "COOKING", "DELIVERING");
    }

    @Test
    void shouldCountEachClosedOrderOnceAndIgnoreCancelledAndMalformed() {
        OrderStream stream = new OrderStream(dict, 5, OrderStream.Profile.defaults());
        List<OrderMessage> log = take(stream, 5000);
        GroundTruth truth = GroundTruth.compute(log, dict);
        // the pizza lover's every 40th order is a CLOSED pizza order
        assertThat(truth.categoryCount(stream.pizzaLover().id(), "Pizza")).isGreaterThanOrEqualTo(10);
        // the same log with every message sent twice gives the same counters
        List<OrderMessage> doubled = new ArrayList<>();
        log.forEach(m -> {
            doubled.add(m);
            doubled.add(m);
        });
        assertThat(GroundTruth.compute(doubled, dict).productCounters()).isEqualTo(truth.productCounters());
        // every cancellation removes its order from the counters
        long cancelled = log.stream().filter(m -> m.kind() == OrderMessage.Kind.CANCELLATION).count();
        assertThat(cancelled).isPositive();
        List<OrderMessage> withoutCancellations = log.stream()
                .filter(m -> m.kind() != OrderMessage.Kind.CANCELLATION).toList();
        assertThat(GroundTruth.compute(withoutCancellations, dict).closedOrders())
                .isEqualTo(truth.closedOrders() + (int) cancelled);
    }
}
