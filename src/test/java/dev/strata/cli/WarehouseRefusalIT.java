package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.embedded.EmbeddedMariaDb;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warehouse Strata cannot run on is refused before anything runs, with exit code 2 and one
 * sentence: a real MariaDB server that reports an old version (mariadbd's {@code --version=} sets
 * what {@code VERSION()} returns), one that reports a MySQL version through a {@code jdbc:mysql:}
 * URL, and a URL of a database Strata has no adapter for.
 */
class WarehouseRefusalIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int status(Path dir, String warehouse) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), "name: refusal\nwarehouse: " + warehouse + "\n");
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "status", dir.toString());
    }

    @Test
    void shouldExitTwoNamingTheVersionOfAMariaDbServerOlderThanTenSix(@TempDir Path dir) throws Exception {
        try (EmbeddedMariaDb old = EmbeddedMariaDb.start(Optional.empty(),
                EmbeddedMariaDb.Options.fast().withArguments("--version=10.5.9-MariaDB"))) {
            int code = status(dir, "{ url: \"" + old.jdbcUrl() + "\", user: root, password: \"" + old.password().reveal() + "\" }");
            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(err.toString().strip()).contains("the warehouse runs MariaDB 10.5.9-MariaDB, which Strata does not support: "
                    + "it needs MariaDB 10.6 or later").doesNotContain("\tat ").doesNotContain(old.password().reveal());
        }
    }

    @Test
    void shouldExitTwoNamingTheVersionOfAMySqlServerReachedThroughJdbcMysql(@TempDir Path dir) throws Exception {
        try (EmbeddedMariaDb mysql = EmbeddedMariaDb.start(Optional.empty(),
                EmbeddedMariaDb.Options.fast().withArguments("--version=8.0.36"))) {
            String url = mysql.jdbcUrl().replace("jdbc:mariadb:", "jdbc:mysql:");
            int code = status(dir, "{ url: \"" + url + "\", user: root, password: \"" + mysql.password().reveal() + "\" }");
            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(err.toString().strip()).contains("the warehouse runs MySQL 8.0.36, which Strata does not support yet: "
                    + "its MariaDB adapter needs MariaDB 10.6 or later").doesNotContain("\tat ")
                    .doesNotContain(mysql.password().reveal());
            assertThat(err.toString().strip().lines()).as("one sentence, nothing else").hasSize(1);
        }
    }

    @Test
    void shouldExitTwoForAUrlOfADatabaseWithoutAnAdapter(@TempDir Path dir) throws Exception {
        int code = status(dir, "{ url: \"jdbc:oracle:thin:@db:1521/x\" }");
        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().strip()).contains("Unsupported database: jdbc:oracle:thin:@db:1521/x (supported: "
                + "jdbc:postgresql://..., embedded:postgres, jdbc:mariadb://..., jdbc:mysql://..., embedded:mariadb)");
    }
}
