package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A non-historized link of money transfers: one row per immutable event with its payload, keyed
 * by the accounts and the event key; an event that arrives after later ones is still an event
 * (there is no history to be late for), a re-send or a changed copy of a stored event adds nothing.
 */
class VaultTransactionalLinkIT {
    private static final OffsetDateTime T = OffsetDateTime.of(2024, 10, 1, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final String YAML = """
            name: bank
            sources:
              transfers: { kafka: { topic: transfers } }
            vault:
              hubs:
                h_account: { key: { account_no: bigint }, from: { transfers: [ { account_no: $.from }, { account_no: $.to } ] } }
              links:
                l_transfer:
                  hubs: { payer: h_account, payee: h_account }
                  payload: { at: timestamptz, amount: "numeric(12,2)", memo: text }
                  event_key: [at]
                  from: { transfers: { payer: $.from, payee: $.to, at: $.at, amount: $.amount, memo: $.memo } }
            """;

    private static StgFixture.Row transfer(long from, long to, int minute, String amount, String memo) {
        return new StgFixture.Row(null, "{\"from\": " + from + ", \"to\": " + to + ", \"at\": \"" + T.plusMinutes(minute)
                + "\", \"amount\": " + amount + ", \"memo\": \"" + memo + "\"}", T.plusMinutes(minute));
    }

    @Test
    void shouldKeepEveryEventOnceWithItsPayloadWhateverTheOrderTheyArriveIn() throws Exception {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML, "strata.yaml");
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "transfers");
            VaultLoader loader = new VaultLoader(w, "bank", project.vault());
            StgFixture.land(w, "transfers", List.of(transfer(1, 2, 0, "10.00", "rent"), transfer(1, 2, 5, "5.5", "food")));
            assertThat(loader.load("l_transfer")).isEqualTo(2);
            // an earlier transfer arriving late is an event all the same; a re-send and a changed copy are not new
            StgFixture.land(w, "transfers", List.of(transfer(1, 2, -30, "1", "late"), transfer(1, 2, 0, "10.00", "rent"),
                    transfer(1, 2, 5, "99", "changed"), transfer(2, 1, 5, "3", "back")));
            assertThat(loader.load("l_transfer")).isEqualTo(2);
            assertThat(rows(w)).containsExactlyInAnyOrder(
                    row(1, 2, -30, "1.00", "late"), row(1, 2, 0, "10.00", "rent"), row(1, 2, 5, "5.50", "food"),
                    row(2, 1, 5, "3.00", "back"));
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM strata.layer_watermarks");
            }
            assertThat(loader.load("l_transfer")).as("re-processing").isZero();
            loader.load("h_account");
            IntegrityChecks checks = new IntegrityChecks(w.sql(), project.vault());
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                for (IntegrityChecks.Check check : checks.of("l_transfer")) {
                    try (ResultSet rs = s.executeQuery(check.sql())) {
                        assertThat(rs.next()).as(check.name()).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void shouldSetAsideAnEventWhosePayloadItsTypeRejectsAndLoadTheOthers() throws Exception {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML, "strata.yaml");
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "transfers");
            VaultLoader loader = new VaultLoader(w, "bank", project.vault());
            StgFixture.land(w, "transfers", List.of(transfer(1, 2, 0, "10.00", "rent"), transfer(1, 2, 5, "\"lots\"", "bad"),
                    transfer(2, 1, 6, "3", "back")));
            assertThat(loader.load("l_transfer")).as("the two good events").isEqualTo(2);
            assertThat(rows(w)).containsExactlyInAnyOrder(row(1, 2, 0, "10.00", "rent"), row(2, 1, 6, "3.00", "back"));
            assertThat(new VaultRejects(w, "bank").list(java.util.Optional.empty(), false, 10))
                    .extracting(VaultRejects.Reject::target, VaultRejects.Reject::stgSeq, VaultRejects.Reject::column, VaultRejects.Reject::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("l_transfer", 2L, "amount", "lots"));
        }
    }

    /** Link key, payer, payee, at, amount, memo as stored. */
    private static List<String> row(long from, long to, int minute, String amount, String memo) {
        String at = T.plusMinutes(minute).toInstant().toString();
        return List.of(HashStandard.hashKey(Arrays.asList(String.valueOf(from), String.valueOf(to),
                        T.plusMinutes(minute).toInstant().toString().replace("Z", ".000000Z"))).toString(),
                HashStandard.hashKey(List.of(String.valueOf(from))).toString(), HashStandard.hashKey(List.of(String.valueOf(to))).toString(),
                at, amount, memo);
    }

    private static List<List<String>> rows(Warehouse w) throws Exception {
        List<List<String>> out = new java.util.ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT l_transfer_hk, payer_hk, payee_hk, at, amount, memo FROM dds.l_transfer")) {
            while (rs.next()) {
                out.add(List.of(w.sql().readHashKey(rs, 1).toString(), w.sql().readHashKey(rs, 2).toString(),
                        w.sql().readHashKey(rs, 3).toString(), rs.getObject(4, OffsetDateTime.class).toInstant().toString(),
                        rs.getString(5), rs.getString(6)));
            }
        }
        return out;
    }
}
