package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata plan} shows what a jdbc source reads and where it lands, without connecting to the source. */
class PlanJdbcSourcesTest {
    @Test
    void shouldShowTheReadAndTheStgTableOfEachJdbcSource(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), """
                name: shop
                sources:
                  pg_orders:
                    jdbc: { url: "jdbc:postgresql://nowhere.invalid:5432/shop", table: shop.orders, mode: snapshot }
                    schedule: "0 1 * * *"
                  pg_users:
                    jdbc: { url: "jdbc:postgresql://nowhere.invalid:5432/shop", table: users, mode: incremental,
                            cursor: modify_date, lookback: 10m }
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "plan", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("  pg_orders (jdbc, snapshot) -> \"stg\".\"pg_orders\" (\"_seq\", \"_snapshot_date\", <source columns>")
                .contains("      reads: SELECT <every column> FROM \"shop\".\"orders\"\n")
                .contains("  pg_users (jdbc, incremental) -> \"stg\".\"pg_users\"")
                .contains("      reads: SELECT <every column> FROM \"users\" WHERE \"modify_date\" >= :high_water_mark - 10m "
                        + "ORDER BY \"modify_date\"");
    }
}
