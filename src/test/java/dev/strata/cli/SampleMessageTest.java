package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.examples.ExampleProjects;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test message `strata run` prints must pass the project's own tests: a sample whose status is
 * "test" failed the fintech example's accepted_values tests and held every later day back.
 */
class SampleMessageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldTakeTheFirstAcceptedValueOfASourcesTest(@TempDir Path dir) throws Exception {
        ProjectConfig fin = project("fintech", dir);
        JsonNode m = JSON.readTree(SampleMessage.of(fin, fin.sources().get("transactions_raw")));
        assertThat(m.at("/payload/status").asText()).isEqualTo("queued");
        assertThat(m.at("/object_type").asText()).as("the source's filter").isEqualTo("TRANSACTION");
        assertThat(m.at("/payload/operation_id").isMissingNode()).isFalse();
    }

    @Test
    void shouldTakeTheFirstAcceptedValueOfASatellitesTest(@TempDir Path dir) throws Exception {
        ProjectConfig food = project("food-delivery", dir);
        JsonNode m = JSON.readTree(SampleMessage.of(food, food.sources().get("orders")));
        // tested on the source ($.payload.final_status) and on s_order_status (status): both OPEN
        assertThat(m.at("/payload/final_status").asText()).isEqualTo("OPEN");
        assertThat(m.at("/object_id").isNumber()).as("h_order's key is a bigint").isTrue();
    }

    private static ProjectConfig project(String example, Path dir) {
        ExampleProjects.copy(example, dir.resolve(example));
        return new ProjectLoader(EnvResolver.of(Map.of())).load(dir.resolve(example));
    }
}
