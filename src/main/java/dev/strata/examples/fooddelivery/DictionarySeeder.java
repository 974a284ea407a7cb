package dev.strata.examples.fooddelivery;

import java.net.URI;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Writes the dictionaries into Redis as the course service did: {@code user:<id>} and {@code restaurant:<id>} → JSON. */
public final class DictionarySeeder {
    public static final String USER_PREFIX = "user:";
    public static final String RESTAURANT_PREFIX = "restaurant:";

    private DictionarySeeder() {
    }

    /** Writes to a server without a password; returns the number of keys written. */
    public static int seed(String redisUrl, Dictionaries dict) {
        return seed(redisUrl, dev.strata.config.Secret.empty(), dict);
    }

    /** Returns the number of keys written. */
    public static int seed(String redisUrl, dev.strata.config.Secret password, Dictionaries dict) {
        URI uri = URI.create(redisUrl);
        try (Jedis jedis = new Jedis(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379)) {
            if (!password.isEmpty()) {
                jedis.auth(password.reveal());
            }
            Pipeline p = jedis.pipelined();
            for (Dictionaries.User u : dict.users()) {
                p.set(USER_PREFIX + u.id(), dict.userJson(u));
            }
            for (Dictionaries.Restaurant r : dict.restaurants()) {
                p.set(RESTAURANT_PREFIX + r.id(), dict.restaurantJson(r));
            }
            p.sync();
        }
        return dict.users().size() + dict.restaurants().size();
    }
}
