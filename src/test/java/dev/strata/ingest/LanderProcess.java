package dev.strata.ingest;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.Secret;
import dev.strata.runtime.Environment;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A lander in its own JVM, for the kill -9 tests: {@code LanderProcess <jdbc-url> <strata.yaml> <worker-id> [<user>]},
 * the password (if any) in the environment variable {@code STRATA_TEST_WAREHOUSE_PASSWORD}.
 * Prints {@code started} once landing runs and {@code landed <rows>} after each committed batch;
 * SIGTERM closes it gracefully, SIGKILL is the point of it.
 */
public final class LanderProcess {
    private LanderProcess() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path yaml = Path.of(args[1]);
        String worker = args[2];
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of()))
                .parse(yaml.getParent(), Files.readString(yaml), yaml.toString());
        String user = args.length > 3 ? args[3] : "postgres";
        String password = System.getenv("STRATA_TEST_WAREHOUSE_PASSWORD");
        Warehouse warehouse = Warehouse.connect(url, user, password == null ? Secret.empty() : Secret.of(password), 4);
        Environment env = new Environment(project, warehouse, null, new SimpleMeterRegistry(), Clock.systemUTC(), worker);
        Landing landing = Landing.start(env, batch -> System.out.println("landed " + batch.rowsLanded()));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            landing.close();
            warehouse.close();
            done.countDown();
        }));
        System.out.println("started");
        done.await();
    }
}
