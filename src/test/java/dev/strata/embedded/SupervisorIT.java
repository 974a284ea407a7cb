package dev.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The supervisor of embedded servers, on plain processes: restart on an unexpected exit, give up with a clear error. */
@Tag("reliability")
class SupervisorIT {

    private static ProcessHandle sleeper() throws IOException {
        return new ProcessBuilder("sleep", "600").start().toHandle();
    }

    @Test
    void shouldRestartAProcessThatExitsUnexpectedlyButNotOneStoppedOnPurpose() throws Exception {
        ProcessHandle first = sleeper();
        try (Supervisor s = new Supervisor("test", first, SupervisorIT::sleeper)) {
            first.destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> s.restarts() == 1 && s.process().isAlive());
            ProcessHandle second = s.process();
            assertThat(second.pid()).isNotEqualTo(first.pid());
            s.close();
            second.destroyForcibly();
            second.onExit().get(10, TimeUnit.SECONDS);
            // the exit was expected: no restart, whatever the wait
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> s.restarts() == 1);
            assertThat(s.failure()).isNotDone();
        }
    }

    @Test
    void shouldGiveUpWithAnErrorNamingTheServerWhenRestartsKeepFailing() throws Exception {
        ProcessHandle first = sleeper();
        AtomicInteger attempts = new AtomicInteger();
        try (Supervisor s = new Supervisor("Example", first, () -> {
            attempts.incrementAndGet();
            throw new IOException("the port is taken");
        }, Duration.ofSeconds(2))) {
            first.destroyForcibly();
            var error = s.failure().get(20, TimeUnit.SECONDS);
            assertThat(error).hasMessageContaining("the embedded Example server exited and could not be restarted within 2 s")
                    .hasMessageContaining("last error: the port is taken");
            assertThat(attempts.get()).as("backing off, not spinning").isBetween(2, 6);
        }
    }
}
