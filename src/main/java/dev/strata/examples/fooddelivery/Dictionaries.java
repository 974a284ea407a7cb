package dev.strata.examples.fooddelivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The food-delivery dictionaries: users and restaurants with their menus (scenario 002 §3.2 and
 * the generator profile of §4). Dishes exist only inside menus; each dish belongs to one restaurant
 * and one category. Deterministic from the seed.
 */
public record Dictionaries(List<User> users, List<Restaurant> restaurants, String updateTs) {
    public static final List<String> CATEGORIES =
            List.of("Pizza", "Salads", "Soups", "Pastry", "Drinks", "Desserts", "Rolls", "Hot dishes");
    static final ObjectMapper JSON = new ObjectMapper();

    public record User(String id, String name, String login) {
    }

    public record Dish(String id, String name, int price, String category) {
    }

    public record Restaurant(String id, String name, List<Dish> menu) {
    }

    public Dictionaries {
        users = List.copyOf(users);
        restaurants = List.copyOf(restaurants);
    }

    public static Dictionaries generate(long seed, int userCount, int restaurantCount, int dishesPerRestaurant) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] first = {"Anna", "Boris", "Chen", "Daria", "Emil", "Fatima", "Grigory", "Hana", "Ivan", "Julia",
                "Karim", "Lena", "Maxim", "Nadia", "Oleg", "Polina", "Ruslan", "Sofia", "Timur", "Vera"};
        String[] last = {"Ivanova", "Smirnov", "Kuznetsova", "Popov", "Volkova", "Sokolov", "Lebedeva", "Kozlov",
                "Novikova", "Morozov", "Petrova", "Orlov"};
        List<User> users = new ArrayList<>();
        for (int i = 0; i < userCount; i++) {
            String name = first[rnd.nextInt(first.length)] + " " + last[rnd.nextInt(last.length)];
            users.add(new User(hexId(rnd), name, "user" + String.format("%04d", i)));
        }
        String[] restaurantNames = {"Pizzeria Napoli", "Coffee house #1", "Siberian Kitchen", "Sushi Lab",
                "Green Bowl", "Burger Yard", "Pelmeni Club", "Taverna"};
        String[][] dishWords = {
                {"Margherita", "Pepperoni", "Four cheeses", "Hawaiian", "Diavola"},
                {"Caesar", "Greek", "Olivier", "Caprese", "Vinaigrette"},
                {"Borscht", "Solyanka", "Minestrone", "Tom yum", "Ukha"},
                {"Croissant", "Pirozhok", "Cinnabon", "Khachapuri", "Bagel"},
                {"Lemonade", "Mors", "Cappuccino", "Green tea", "Kvass"},
                {"Napoleon", "Medovik", "Cheesecake", "Tiramisu", "Syrniki"},
                {"California roll", "Philadelphia roll", "Dragon roll", "Kappa maki", "Unagi roll"},
                {"Beef stroganoff", "Plov", "Chicken Kiev", "Golubtsy", "Kotleta"}};
        List<Restaurant> restaurants = new ArrayList<>();
        for (int r = 0; r < restaurantCount; r++) {
            List<Dish> menu = new ArrayList<>();
            for (int d = 0; d < dishesPerRestaurant; d++) {
                // Every menu starts with one dish of each category, so each restaurant serves pizza.
                int c = d < CATEGORIES.size() ? d : rnd.nextInt(CATEGORIES.size());
                String word = dishWords[c][rnd.nextInt(dishWords[c].length)];
                String name = word + " (" + restaurantNames[r % restaurantNames.length] + ", #" + (d + 1) + ")";
                int price = 50 + 5 * rnd.nextInt(100);
                menu.add(new Dish(hexId(rnd), name, price, CATEGORIES.get(c)));
            }
            String name = restaurantNames[r % restaurantNames.length] + (r >= restaurantNames.length ? " " + (r + 1) : "");
            restaurants.add(new Restaurant(hexId(rnd), name, menu));
        }
        return new Dictionaries(users, restaurants, "2023-03-01 09:00:00");
    }

    /** A 24-character hex id, like the MongoDB object ids of the original system. */
    static String hexId(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return sb.toString();
    }

    public Map<String, Restaurant> restaurantsById() {
        Map<String, Restaurant> m = new HashMap<>();
        restaurants.forEach(r -> m.put(r.id(), r));
        return m;
    }

    /** The dictionary value stored under {@code user:<id>} (scenario §3.2). */
    public String userJson(User u) {
        ObjectNode n = JSON.createObjectNode();
        n.put("_id", u.id());
        n.put("name", u.name());
        n.put("login", u.login());
        n.put("update_ts_utc", updateTs);
        return n.toString();
    }

    /** The dictionary value stored under {@code restaurant:<id>}, with the menu. */
    public String restaurantJson(Restaurant r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("_id", r.id());
        n.put("name", r.name());
        ArrayNode menu = n.putArray("menu");
        for (Dish d : r.menu()) {
            ObjectNode item = menu.addObject();
            item.put("_id", d.id());
            item.put("name", d.name());
            item.put("price", d.price());
            item.put("category", d.category());
        }
        n.put("update_ts_utc", updateTs);
        return n.toString();
    }
}
