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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The small vault of scenario 001 §3.5: transactions and currency rates on one topic (told apart
 * with {@code where:}), an account hub fed from two fields of the same message, a link that joins
 * the currency hub to itself (roles), a satellite on that link keyed by the rate's date, and status
 * history with a late status message.
 */
class FintechVaultIT {
    private static final String YAML = """
            name: fintech
            sources:
              transactions: { kafka: { topic: transactions } }
            vault:
              hubs:
                hub_transaction:
                  key: operation_id
                  from:
                    transactions: { operation_id: $.payload.operation_id, where: { $.object_type: TRANSACTION } }
                hub_account:
                  key: { account_number: bigint }
                  from:
                    transactions:
                      - { account_number: $.payload.account_number_from, where: { $.object_type: TRANSACTION } }
                      - { account_number: $.payload.account_number_to, where: { $.object_type: TRANSACTION } }
                hub_currency:
                  key: { currency_code: integer }
                  from:
                    transactions:
                      - { currency_code: $.payload.currency_code }
                      - { currency_code: $.payload.currency_code_with, where: { $.object_type: CURRENCY } }
              links:
                link_transaction_account_from:
                  hubs: [hub_transaction, hub_account]
                  from:
                    transactions:
                      hub_transaction: $.payload.operation_id
                      hub_account: $.payload.account_number_from
                      where: { $.object_type: TRANSACTION }
                link_transaction_account_to:
                  hubs: [hub_transaction, hub_account]
                  from:
                    transactions:
                      hub_transaction: $.payload.operation_id
                      hub_account: $.payload.account_number_to
                      where: { $.object_type: TRANSACTION }
                link_currency_pair:
                  hubs: { currency: hub_currency, currency_with: hub_currency }
                  from:
                    transactions:
                      currency: $.payload.currency_code
                      currency_with: $.payload.currency_code_with
                      where: { $.object_type: CURRENCY }
              satellites:
                sat_transaction_status:
                  parent: hub_transaction
                  attributes: { status: text, transaction_dt: timestamp }
                  from:
                    transactions:
                      operation_id: $.payload.operation_id
                      status: $.payload.status
                      transaction_dt: $.payload.transaction_dt
                      load_dt: $.sent_dttm
                      where: { $.object_type: TRANSACTION }
                sat_currency_rate:
                  parent: link_currency_pair
                  attributes: { date_update: timestamp, currency_with_div: "numeric(5,3)" }
                  from:
                    transactions:
                      currency: $.payload.currency_code
                      currency_with: $.payload.currency_code_with
                      date_update: $.payload.date_update
                      currency_with_div: $.payload.currency_with_div
                      load_dt: $.payload.date_update
                      where: { $.object_type: [CURRENCY] }
            """;

    private static String tx(String id, long from, long to, int currency, String status, String sent) {
        return """
                {"object_id": "%s", "object_type": "TRANSACTION", "sent_dttm": "%s", "payload": {"operation_id": "%s",
                 "account_number_from": %d, "account_number_to": %d, "currency_code": %d, "country": "russia",
                 "status": "%s", "transaction_type": "sbp_outgoing", "amount": 1500, "transaction_dt": "2022-10-01 00:20:00"}}
                """.formatted(id, sent, id, from, to, currency, status);
    }

    private static String rate(int currency, int with, String date, String div) {
        return """
                {"object_id": "r-%d-%d-%s", "object_type": "CURRENCY", "sent_dttm": "%s", "payload": {"date_update": "%s",
                 "currency_code": %d, "currency_code_with": %d, "currency_with_div": %s}}
                """.formatted(currency, with, date, date, date, currency, with, div);
    }

    @Test
    void shouldLoadTheFintechVaultFromOneTopicOfTwoMessageKinds() throws Exception {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML, "strata.yaml");
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "transactions");
            VaultLoader loader = new VaultLoader(w, project.name(), project.vault());
            String a = "5eeaf625-8161-4768-b031-d4686966778d";
            String b = "7a1b2c3d-0000-4000-8000-000000000001";
            land(w, tx(a, 101, 202, 420, "queued", "2022-10-01 00:24:02"),
                    tx(b, -7, 101, 410, "queued", "2022-10-01 00:25:00"),
                    rate(420, 410, "2022-10-01 00:00:00", "1.500"));
            loader.loadAll();
            land(w, tx(a, 101, 202, 420, "in_progress", "2022-10-01 00:24:30"),
                    tx(a, 101, 202, 420, "done", "2022-10-01 00:25:10"),
                    tx(b, -7, 101, 410, "done", "2022-10-01 00:27:00"),
                    rate(420, 410, "2022-10-02 00:00:00", "1.600"));
            loader.loadAll();
            // late and repeated messages: b's in_progress after its done, a re-delivered rate and status
            land(w, tx(b, -7, 101, 410, "in_progress", "2022-10-01 00:26:00"),
                    tx(a, 101, 202, 420, "done", "2022-10-01 00:25:10"),
                    rate(420, 410, "2022-10-01 00:00:00", "1.500"));
            loader.loadAll();

            assertThat(keys(w, "hub_transaction", "operation_id")).containsExactlyInAnyOrder(a, b);
            assertThat(keys(w, "hub_account", "account_number")).containsExactlyInAnyOrder("101", "202", "-7");
            assertThat(keys(w, "hub_currency", "currency_code")).containsExactlyInAnyOrder("410", "420");
            assertThat(query(w, "SELECT count(*) FROM dds.link_transaction_account_from")).containsExactly("2");
            assertThat(query(w, "SELECT count(*) FROM dds.link_transaction_account_to")).containsExactly("2");
            UUID usd = HashStandard.hashKey(List.of("420"));
            UUID rub = HashStandard.hashKey(List.of("410"));
            UUID pair = HashStandard.hashKey(List.of("420", "410"));
            assertThat(query(w, "SELECT link_currency_pair_hk || ' ' || currency_hk || ' ' || currency_with_hk FROM dds.link_currency_pair"))
                    .containsExactly(pair + " " + usd + " " + rub);
            assertThat(query(w, "SELECT link_currency_pair_hk || ' ' || load_dt || ' ' || currency_with_div FROM dds.sat_currency_rate ORDER BY load_dt"))
                    .containsExactly(pair + " 2022-10-01 00:00:00+00 1.500", pair + " 2022-10-02 00:00:00+00 1.600");
            assertThat(query(w, "SELECT h.operation_id || ' ' || s.status FROM dds.sat_transaction_status s "
                    + "JOIN dds.hub_transaction h USING (hub_transaction_hk) ORDER BY h.operation_id, s.load_dt"))
                    .containsExactly(a + " queued", a + " in_progress", a + " done", b + " queued", b + " done");
        }
    }

    private static void land(Warehouse w, String... messages) throws Exception {
        List<StgFixture.Row> rows = new ArrayList<>();
        for (String m : messages) {
            rows.add(new StgFixture.Row(null, m, null));
        }
        StgFixture.land(w, "transactions", rows);
    }

    private static List<String> keys(Warehouse w, String hub, String column) throws Exception {
        return query(w, "SELECT " + column + "::text FROM dds." + hub);
    }

    private static List<String> query(Warehouse w, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
