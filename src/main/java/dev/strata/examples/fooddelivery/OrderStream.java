package dev.strata.examples.fooddelivery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.examples.fooddelivery.Dictionaries.Dish;
import dev.strata.examples.fooddelivery.Dictionaries.Restaurant;
import dev.strata.examples.fooddelivery.Dictionaries.User;
import dev.strata.examples.fooddelivery.OrderMessage.Kind;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * The order stream of scenario 002, in the seed's message shape (§3.1), deterministic from a seed:
 * message {@code i} is always the same for the same seed and dictionaries, so a generator that
 * restarts can skip what it already sent.
 *
 * <p>Besides plain orders the stream has: orders first sent in an intermediate status (OPEN,
 * COOKING, DELIVERING) and re-sent later with their final one; byte-identical duplicates; CLOSED
 * orders re-sent later as CANCELLED (with a newer {@code sent_dttm}); and a few malformed
 * messages. One designated user, the "pizza lover", orders a Pizza dish in every 40th order and
 * those orders always end CLOSED, so the seed's tagging example (≥ 10 Pizza orders) appears early.
 */
public final class OrderStream {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final LocalDateTime BASE = LocalDateTime.of(2023, 4, 1, 10, 0, 0);
    private static final List<String> PROGRESS = List.of("OPEN", "COOKING", "DELIVERING");

    /** Knobs of the stream; {@link #defaults()} is the scenario's profile. */
    public record Profile(double intermediateRate, double duplicateRate, double cancellationRate, double malformedRate,
                          double closedRate) {
        public static Profile defaults() {
            return new Profile(0.20, 0.03, 0.01, 0.002, 0.80);
        }
    }

    private record Pending(long due, long order, LongFunction<OrderMessage> make) {
    }

    private final Dictionaries dict;
    private final Profile profile;
    private final SplittableRandom rnd;
    private final PriorityQueue<Pending> pending =
            new PriorityQueue<>(Comparator.comparingLong(Pending::due).thenComparingLong(Pending::order));
    private long next;           // index of the next message
    private long nextOrderId = 1_000_001;
    private long pendingOrder;
    private int orders;

    public OrderStream(Dictionaries dict, long seed, Profile profile) {
        this.dict = dict;
        this.profile = profile;
        this.rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    public User pizzaLover() {
        return dict.users().get(0);
    }

    /** How many new orders (not re-sends) have been generated so far. */
    public int ordersGenerated() {
        return orders;
    }

    /** The next message. */
    public OrderMessage next() {
        long index = next++;
        Pending due = pending.peek();
        if (due != null && due.due() <= index) {
            pending.poll();
            return due.make().apply(index);
        }
        if (rnd.nextDouble() < profile.malformedRate()) {
            return malformed(index);
        }
        return newOrder(index);
    }

    /** True when the next message would be a brand-new order (used to pace by orders per second). */
    public boolean nextIsNewOrder() {
        Pending due = pending.peek();
        return due == null || due.due() > next;
    }

    private OrderMessage malformed(long index) {
        byte[] value = switch ((int) (index % 4)) {
            case 0 -> "{\"object_id\": 17, \"payload\": {\"user\": ".getBytes(StandardCharsets.UTF_8);   // truncated
            case 1 -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};  // not UTF-8
            case 2 -> "[\"an\", \"array\", \"not\", \"an\", \"object\"]".getBytes(StandardCharsets.UTF_8);
            default -> "order 17 CLOSED".getBytes(StandardCharsets.UTF_8);                          // not JSON
        };
        return new OrderMessage(index, Kind.MALFORMED, -1, value);
    }

    private OrderMessage newOrder(long index) {
        long id = nextOrderId++;
        int n = orders++;
        boolean pizzaLover = n % 40 == 0;
        User user = pizzaLover ? pizzaLover() : dict.users().get(1 + rnd.nextInt(dict.users().size() - 1));
        Restaurant restaurant = dict.restaurants().get(rnd.nextInt(dict.restaurants().size()));
        List<Dish> dishes = pickDishes(restaurant, pizzaLover);
        List<Integer> quantities = new ArrayList<>();
        for (int i = 0; i < dishes.size(); i++) {
            quantities.add(1 + rnd.nextInt(5));
        }
        String finalStatus = pizzaLover || rnd.nextDouble() < profile.closedRate() ? "CLOSED" : "CANCELLED";
        int bonusPercent = rnd.nextDouble() < 0.9 ? 0 : 1 + rnd.nextInt(10);
        LocalDateTime opened = BASE.plusSeconds(index * 3L);
        int[] stepMinutes = {5 + rnd.nextInt(20), 10 + rnd.nextInt(40), 10 + rnd.nextInt(30)};
        Order order = new Order(id, user, restaurant, dishes, quantities, bonusPercent, opened, stepMinutes);

        boolean intermediate = !pizzaLover && rnd.nextDouble() < profile.intermediateRate();
        OrderMessage first;
        if (intermediate) {
            String status = PROGRESS.get(rnd.nextInt(PROGRESS.size()));
            first = order.message(index, Kind.ORDER, status, sentAt(index));
            schedule(index + 5 + rnd.nextInt(96), i -> order.message(i, Kind.STATUS_UPDATE, finalStatus, sentAt(i)));
        } else {
            first = order.message(index, Kind.ORDER, finalStatus, sentAt(index));
        }
        if (rnd.nextDouble() < profile.duplicateRate()) {
            byte[] copy = first.value();
            schedule(index + 1 + rnd.nextInt(50), i -> new OrderMessage(i, Kind.DUPLICATE, id, copy));
        }
        if (!pizzaLover && "CLOSED".equals(finalStatus) && rnd.nextDouble() < profile.cancellationRate()) {
            schedule(index + 120 + rnd.nextInt(100), i -> order.message(i, Kind.CANCELLATION, "CANCELLED", sentAt(i)));
        }
        return first;
    }

    private void schedule(long due, LongFunction<OrderMessage> make) {
        pending.add(new Pending(due, pendingOrder++, make));
    }

    private static String sentAt(long index) {
        return BASE.plusSeconds(index * 3L + 1).format(TS);
    }

    private List<Dish> pickDishes(Restaurant restaurant, boolean mustHavePizza) {
        List<Dish> menu = new ArrayList<>(restaurant.menu());
        List<Dish> picked = new ArrayList<>();
        if (mustHavePizza) {
            List<Dish> pizzas = menu.stream().filter(d -> d.category().equals("Pizza")).toList();
            Dish p = pizzas.get(rnd.nextInt(pizzas.size()));
            picked.add(p);
            menu.remove(p);
        }
        int count = Math.max(picked.size(), 1 + rnd.nextInt(4));
        while (picked.size() < count) {
            picked.add(menu.remove(rnd.nextInt(menu.size())));
        }
        return picked;
    }

    /** Everything needed to render any message of one order. */
    private record Order(long id, User user, Restaurant restaurant, List<Dish> dishes, List<Integer> quantities,
                         int bonusPercent, LocalDateTime opened, int[] stepMinutes) {

        OrderMessage message(long index, Kind kind, String finalStatus, String sentDttm) {
            ObjectNode root = Dictionaries.JSON.createObjectNode();
            root.put("object_id", id);
            root.put("object_type", "order");
            root.put("sent_dttm", sentDttm);
            ObjectNode payload = root.putObject("payload");
            payload.putObject("restaurant").put("id", restaurant.id());
            List<String[]> history = history(finalStatus);
            String last = history.get(0)[1];
            payload.put("date", last);
            payload.putObject("user").put("id", user.id());
            ArrayNode items = payload.putArray("order_items");
            long cost = 0;
            for (int i = 0; i < dishes.size(); i++) {
                Dish d = dishes.get(i);
                ObjectNode item = items.addObject();
                item.put("id", d.id());
                item.put("name", d.name());
                item.put("price", d.price());
                item.put("quantity", quantities.get(i));
                item.put("category", d.category());
                cost += (long) d.price() * quantities.get(i);
            }
            long bonusPayment = cost * bonusPercent / 100;
            long payment = cost - bonusPayment;
            payload.put("bonus_payment", bonusPayment);
            payload.put("cost", cost);
            payload.put("payment", payment);
            payload.put("bonus_grant", payment / 100);
            ArrayNode statuses = payload.putArray("statuses");
            for (String[] s : history) {
                statuses.addObject().put("status", s[0]).put("dttm", s[1]);
            }
            payload.put("final_status", finalStatus);
            payload.put("update_ts", last);
            return new OrderMessage(index, kind, id, root.toString().getBytes(StandardCharsets.UTF_8));
        }

        /** Status history, latest first, consistent with the final status. */
        private List<String[]> history(String finalStatus) {
            List<String[]> h = new ArrayList<>();
            LocalDateTime t = opened;
            h.add(new String[] {"OPEN", t.format(TS)});
            int reached = switch (finalStatus) {
                case "OPEN" -> 0;
                case "COOKING" -> 1;
                case "DELIVERING", "CLOSED" -> 2;
                default -> 1; // CANCELLED after cooking started
            };
            for (int step = 1; step <= reached; step++) {
                t = t.plusMinutes(stepMinutes[step - 1]);
                h.add(new String[] {PROGRESS.get(step), t.format(TS)});
            }
            if (finalStatus.equals("CLOSED") || finalStatus.equals("CANCELLED")) {
                t = t.plusMinutes(stepMinutes[2]);
                h.add(new String[] {finalStatus, t.format(TS)});
            }
            java.util.Collections.reverse(h);
            return h;
        }
    }
}
