package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultConfigReaderTest {
    private static final String SOURCES = """
            name: demo
            sources:
              orders: { kafka: { topic: orders } }
              users: { kafka: { topic: users } }
            """;
    /** Two jdbc sources (typed STG tables) beside a Kafka one: the retail example's shape. */
    private static final String TABLE_SOURCES = """
            name: retail
            sources:
              orders: { kafka: { topic: orders } }
              customers: { jdbc: { url: "jdbc:postgresql://db/shop", table: customers, mode: incremental, cursor: modify_date } }
              sales: { jdbc: { url: "jdbc:postgresql://db/shop", table: sales, mode: incremental, cursor: modify_date } }
            """;
    private final ProjectLoader loader = new ProjectLoader(EnvResolver.of(Map.of()));

    private VaultSection read(String vault) {
        return loader.parse(Path.of("."), SOURCES + vault, "strata.yaml").vault();
    }

    private List<String> problems(String vault) {
        return problems(SOURCES, vault);
    }

    private List<String> problems(String sources, String vault) {
        try {
            loader.parse(Path.of("."), sources + vault, "strata.yaml");
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the vault to be rejected:\n" + vault);
    }

    @Test
    void shouldReadHubsLinksAndSatellitesWithEveryFormOfKey() {
        VaultSection v = read("""
                vault:
                  schema: vault
                  hubs:
                    h_user: { key: user_id, from: { orders: $.payload.user.id, users: _key } }
                    h_account:
                      key: { bank: text, account_no: bigint }
                      from: { orders: [$.payload.bank, $.payload.account] }
                    h_product:
                      key: [product_id]
                      from:
                        orders: { each: $.payload.items, product_id: $item.id, load_dt: $.sent_dttm }
                  links:
                    l_transfer:
                      hubs: { payer: h_account, payee: h_account, h_user: h_user }
                      from:
                        orders: { payer: [$.from.bank, $.from.no], payee: [$.to.bank, $.to.no], h_user: _key }
                  satellites:
                    s_user:
                      parent: h_user
                      attributes: { name: text, "score": "numeric(10,2)" }
                      from: { users: { user_id: _key, name: $.name, score: $.score } }
                    s_transfer:
                      parent: l_transfer
                      attributes: { amount: bigint }
                      from:
                        orders: { payer: [$.from.bank, $.from.no], payee: [$.to.bank, $.to.no], h_user: _key, amount: $.amount }
                """);
        assertThat(v.schema()).isEqualTo("vault");
        assertThat(v.hubs().keySet()).containsExactly("h_user", "h_account", "h_product");
        HubConfig account = v.hubs().get("h_account");
        assertThat(account.keyColumns()).containsExactly(Map.entry("bank", ColumnType.TEXT),
                Map.entry("account_no", ColumnType.BIGINT));
        assertThat(account.from().get(0).keys().get("h_account")).extracting(VaultExpression::text)
                .containsExactly("$.payload.bank", "$.payload.account");
        HubConfig user = v.hubs().get("h_user");
        assertThat(user.from()).extracting(VaultMapping::source).containsExactly("orders", "users");
        assertThat(user.from().get(1).keys().get("h_user").get(0)).isEqualTo(VaultExpression.column("_key"));
        VaultMapping items = v.hubs().get("h_product").from().get(0);
        assertThat(items.each().orElseThrow().segments()).containsExactly("payload", "items");
        assertThat(items.keys().get("h_product").get(0).kind()).isEqualTo(VaultExpression.Kind.ITEM_PATH);
        assertThat(items.keys().get("h_product").get(0).path().segments()).containsExactly("id");
        assertThat(items.loadDt().orElseThrow().text()).isEqualTo("$.sent_dttm");
        LinkConfig transfer = v.links().get("l_transfer");
        assertThat(transfer.roles()).containsExactly(Map.entry("payer", "h_account"), Map.entry("payee", "h_account"),
                Map.entry("h_user", "h_user"));
        assertThat(transfer.from().get(0).keys().get("payee")).hasSize(2);
        assertThat(v.satellites().get("s_user").attributes()).containsExactly(Map.entry("name", ColumnType.TEXT),
                Map.entry("score", ColumnType.parse("numeric(10,2)")));
        assertThat(v.satellites().get("s_transfer").from().get(0).attributes()).containsOnlyKeys("amount");
    }

    @Test
    void shouldDefaultToSchemaDdsAndNoVault() {
        VaultSection none = loader.parse(Path.of("."), SOURCES, "strata.yaml").vault();
        assertThat(none.declared()).isFalse();
        assertThat(none.schema()).isEqualTo("dds");
    }

    @Test
    void shouldNameFileLineAndFieldOfUndeclaredSourcesHubsAndParents() {
        assertThat(problems("""
                vault:
                  hubs:
                    h_user: { key: user_id, from: { ordrs: $.user } }
                  links:
                    l_x: { hubs: [h_user, h_usr], from: { orders: { h_user: $.a, h_usr: $.b } } }
                  satellites:
                    s_x: { parent: h_nope, attributes: { a: text }, from: { redis_users: { a: $.a } } }
                """)).containsExactly(
                "strata.yaml:7:37: vault.hubs.h_user.from.ordrs: 'ordrs' is not a declared source (did you mean 'orders'?)",
                "strata.yaml:9:27: vault.links.l_x.hubs[1]: 'h_usr' is not a declared hub (did you mean 'h_user'?)",
                "strata.yaml:11:12: vault.satellites.s_x.parent: 'h_nope' is not a declared hub or link (declared hubs or links: h_user, l_x)",
                "strata.yaml:11:61: vault.satellites.s_x.from.redis_users: 'redis_users' is not a declared source (declared sources: orders, users)");
    }

    @Test
    void shouldReportBadExpressionsKeysAndTypes() {
        assertThat(problems("""
                vault:
                  hubs:
                    h_user:
                      key: { user_id: txt }
                      from: { orders: payload.user.id }
                    h_pair:
                      key: [a, b]
                      from: { orders: $.a }
                    h_item:
                      key: id
                      from: { orders: { id: $item.id } }
                  satellites:
                    s_pair:
                      parent: h_pair
                      attributes: { load_dt: text, note: text }
                      from:
                        orders:
                          a: $.a
                          b: $.b[x]
                          note: _kye
                """)).containsExactly(
                "strata.yaml:8:23: vault.hubs.h_user.key.user_id: 'txt' is not a column type (use one of "
                        + ColumnType.ACCEPTED + ")",
                "strata.yaml:9:23: vault.hubs.h_user.from.orders: 'payload.user.id' is not an expression: use a JSON path "
                        + "($.payload.user.id), an item path ($item.id, with each:) or an STG column (_batch_id, _event_time, "
                        + "_key, _loaded_at, _offset, _partition, _seq, _source_time)",
                "strata.yaml:12:23: vault.hubs.h_pair.from.orders: the hub's business key has 2 columns, but 1 expression is given",
                "strata.yaml:15:29: vault.hubs.h_item.from.orders.id: '$item.id' refers to an array item, but this mapping "
                        + "has no 'each:' (add each: $.path.to.array)",
                "strata.yaml:19:30: vault.satellites.s_pair.attributes.load_dt: 'load_dt' is reserved (every vault table has "
                        + "load_dt, record_source, hashdiff and *_hk columns; each:, where: and deleted: are options; names starting with _ are Strata's); choose another name",
                "strata.yaml:23:14: vault.satellites.s_pair.from.orders.b: cannot read JSON path '$.b[x]' at character 4 "
                        + "(use $.field, [index] or ['field name'])",
                "strata.yaml:24:17: vault.satellites.s_pair.from.orders.note: '_kye' is not an expression: use a JSON path "
                        + "($.payload.user.id), an item path ($item.id, with each:) or an STG column (_batch_id, _event_time, "
                        + "_key, _loaded_at, _offset, _partition, _seq, _source_time) (did you mean '_key'?)");
    }

    @Test
    void shouldRequireEveryKeyAndAttributeOfAMappingAndRejectUnknownOnes() {
        assertThat(problems("""
                vault:
                  hubs:
                    h_order: { key: order_id, from: { orders: $.id } }
                    h_user: { key: user_id, from: { orders: $.user } }
                  links:
                    l_order_user:
                      hubs: [h_order, h_user]
                      from: { orders: { h_order: $.id, h_usr: $.user } }
                  satellites:
                    s_status:
                      parent: h_order
                      attributes: { status: text }
                      from: { orders: { order_id: $.id, stauts: $.status } }
                """)).containsExactly(
                "strata.yaml:12:15: vault.links.l_order_user.from.orders.h_user: required",
                "strata.yaml:12:40: vault.links.l_order_user.from.orders.h_usr: unknown key (did you mean 'h_user'?)",
                "strata.yaml:17:15: vault.satellites.s_status.from.orders.status: required",
                "strata.yaml:17:41: vault.satellites.s_status.from.orders.stauts: unknown key (did you mean 'status'?)");
    }

    @Test
    void shouldRefuseALinkOfOneHubDuplicateNamesAndASelfLinkWithoutRoles() {
        assertThat(problems("""
                vault:
                  hubs:
                    h_a: { key: id, from: { orders: $.id } }
                    dup: { key: id, from: { orders: $.id } }
                  links:
                    l_one: { hubs: [h_a], from: { orders: { h_a: $.id } } }
                    l_self: { hubs: [h_a, h_a], from: { orders: { h_a: $.id } } }
                  satellites:
                    dup: { parent: h_a, attributes: { x: text }, from: { orders: { id: $.id, x: $.x } } }
                """)).containsExactly(
                "strata.yaml:10:20: vault.links.l_one.hubs: a link joins at least two hubs",
                "strata.yaml:11:27: vault.links.l_self.hubs[1]: 'h_a' is listed twice; to link a hub to itself, name the "
                        + "roles: hubs: {from_h_a: h_a, to_h_a: h_a}",
                "strata.yaml:13:10: vault.satellites.dup: 'dup' is already declared; hubs, links, satellites, pits and bridges share one "
                        + "schema, so names must differ");
    }

    @Test
    void shouldReadMissingKeysPerVaultAndLetAHubOrLinkChooseItsOwn() {
        VaultSection v = read("""
                vault:
                  missing_keys: skip
                  hubs:
                    h_a: { key: id, from: { orders: $.id } }
                    h_b: { key: id, from: { orders: $.b }, missing_keys: unknown }
                  links:
                    l_ab: { hubs: [h_a, h_b], from: { orders: { h_a: $.id, h_b: $.b } } }
                    l_ba: { hubs: [h_b, h_a], from: { orders: { h_a: $.id, h_b: $.b } }, missing_keys: unknown }
                """);
        assertThat(v.missingKeys()).isEqualTo(MissingKeys.SKIP);
        assertThat(v.hubs().get("h_a").missingKeys()).isEqualTo(MissingKeys.SKIP);
        assertThat(v.hubs().get("h_b").missingKeys()).isEqualTo(MissingKeys.UNKNOWN);
        assertThat(v.links().get("l_ab").missingKeys()).isEqualTo(MissingKeys.SKIP);
        assertThat(v.links().get("l_ba").missingKeys()).isEqualTo(MissingKeys.UNKNOWN);
        assertThat(read("""
                vault:
                  hubs:
                    h_a: { key: id, from: { orders: $.id } }
                """).hubs().get("h_a").missingKeys()).isEqualTo(MissingKeys.UNKNOWN);
    }

    @Test
    void shouldRejectAnUnknownPolicyAndAPolicyOnASatellite() {
        assertThat(problems("""
                vault:
                  missing_keys: unknwn
                  hubs:
                    h_a: { key: id, from: { orders: $.id }, missing_keys: drop }
                  satellites:
                    s_a:
                      parent: h_a
                      attributes: { x: text }
                      missing_keys: skip
                      from: { orders: { id: $.id, x: $.x } }
                """)).containsExactly(
                "strata.yaml:6:17: vault.missing_keys: 'unknwn' is not one of unknown, skip (did you mean 'unknown'?)",
                "strata.yaml:8:59: vault.hubs.h_a.missing_keys: 'drop' is not one of unknown, skip",
                "strata.yaml:13:7: vault.satellites.s_a.missing_keys: a satellite never keeps rows for a missing parent key, "
                        + "whatever the policy; missing_keys: belongs to the parent hub or link (or the vault)");
    }

    @Test
    void shouldReadEffectivityAndMultiActiveSatellitesTransactionalLinksPitsAndBridges() {
        VaultSection v = read("""
                vault:
                  ghost_records: true
                  hubs:
                    h_flight: { key: flight_id, from: { orders: $.id } }
                    h_airport: { key: code, from: { orders: $.airport } }
                    h_account: { key: no, from: { orders: $.from } }
                  links:
                    l_flight_airport:
                      hubs: { flight: h_flight, airport: h_airport }
                      from: { orders: { flight: $.id, airport: $.airport } }
                    l_transfer:
                      hubs: { payer: h_account, payee: h_account }
                      payload: { amount: "numeric(12,2)", at: timestamptz }
                      event_key: at
                      from: { orders: { payer: $.from, payee: $.to, amount: $.amount, at: $.at } }
                  satellites:
                    s_flight_airport:
                      parent: l_flight_airport
                      effectivity: { driving_key: flight }
                      from: { orders: { flight: $.id, airport: $.airport, deleted: { $.op: [d, r] } } }
                    s_phones:
                      parent: h_flight
                      multi_active: { key: [kind] }
                      attributes: { kind: text, number: text }
                      from: { orders: { each: $.phones, flight_id: $.id, kind: $item.kind, number: $item.no } }
                  pits:
                    pit_flight: { hub: h_flight, satellites: [s_phones], keep: 30d }
                  bridges:
                    b_flight: { path: [h_flight, { link: l_flight_airport, to: airport }, h_airport] }
                """);
        assertThat(v.ghostRecords()).isTrue();
        SatelliteConfig eff = v.satellites().get("s_flight_airport");
        assertThat(eff.effectivity().orElseThrow().drivingRole()).isEqualTo("flight");
        assertThat(eff.attributes()).isEmpty();
        assertThat(eff.from().get(0).deleted()).singleElement().satisfies(f -> {
            assertThat(f.expression().text()).isEqualTo("$.op");
            assertThat(f.values()).containsExactly("d", "r");
        });
        assertThat(v.satellites().get("s_phones").multiActive().orElseThrow().key()).containsExactly("kind");
        LinkConfig transfer = v.links().get("l_transfer");
        assertThat(transfer.transactional()).isTrue();
        assertThat(transfer.payload()).containsOnlyKeys("amount", "at");
        assertThat(transfer.eventKey()).containsExactly("at");
        assertThat(transfer.from().get(0).attributes()).containsOnlyKeys("amount", "at");
        assertThat(v.pits().get("pit_flight").satellites()).containsExactly("s_phones");
        assertThat(v.pits().get("pit_flight").keep()).contains(java.time.Duration.ofDays(30));
        BridgeConfig b = v.bridges().get("b_flight");
        assertThat(b.hubs()).containsExactly("h_flight", "h_airport");
        assertThat(b.links()).containsExactly(new BridgeConfig.Step("l_flight_airport", "flight", "airport"));
    }

    @Test
    void shouldReportEveryProblemOfEffectivityMultiActiveAndTransactionalDeclarations() {
        List<String> found = problems("""
                vault:
                  hubs:
                    h_a: { key: id, from: { orders: $.id } }
                    h_b: { key: id, from: { orders: $.b } }
                  links:
                    l_ab:
                      hubs: [h_a, h_b]
                      payload: { amount: bigint }
                      event_key: [amunt]
                      from: { orders: { h_a: $.id, h_b: $.b, amount: $.amount } }
                    l_ab2: { hubs: [h_a, h_b], from: { orders: { h_a: $.id, h_b: $.b } } }
                  satellites:
                    s_eff_hub: { parent: h_a, effectivity: { driving_key: h_a }, from: { orders: { id: $.id } } }
                    s_eff_role:
                      parent: l_ab2
                      effectivity: { driving_key: h_aa }
                      attributes: { x: text }
                      from: { orders: { h_a: $.id, h_b: $.b } }
                    s_deleted: { parent: h_a, attributes: { x: text, is_deleted: text }, from: { orders: { id: $.id, x: $.x, is_deleted: $.d, deleted: { $.op: d } } } }
                    s_ma_del: { parent: h_a, multi_active: { key: [k] }, attributes: { k: text, v: text }, from: { orders: { id: $.id, k: $.k, v: $.v, deleted: { $.op: d } } } }
                    s_ma: { parent: h_a, multi_active: { key: [kinds] }, attributes: { kind: text }, from: { orders: { id: $.id, kind: $.k } } }
                    s_ma_all: { parent: h_a, multi_active: { key: kind }, attributes: { kind: text }, from: { orders: { id: $.id, kind: $.k } } }
                """);
        assertThat(found).containsExactly(
                "strata.yaml:13:19: vault.links.l_ab.event_key[0]: 'amunt' is not a payload column (did you mean 'amount'?)",
                "strata.yaml:17:31: vault.satellites.s_eff_hub.effectivity: an effectivity satellite describes a link, but 'h_a' is a hub",
                "strata.yaml:20:22: vault.satellites.s_eff_role.effectivity.driving_key: 'h_aa' is not a role of l_ab2 (did you mean 'h_a'?)",
                "strata.yaml:21:7: vault.satellites.s_eff_role.attributes: an effectivity satellite has no attributes: it records when each relationship of l_ab2 starts and ends (declare attributes in another satellite)",
                "strata.yaml:23:54: vault.satellites.s_deleted.attributes.is_deleted: 'is_deleted' is the column Strata adds to a "
                        + "satellite whose mappings say deleted: (true on a deletion's row); remove the attribute, or rename it",
                "strata.yaml:24:136: vault.satellites.s_ma_del.from.orders.deleted: a multi-active satellite has no deletions; only the "
                        + "mappings of standard and effectivity satellites say which rows are deletes (deleted:)",
                "strata.yaml:25:48: vault.satellites.s_ma.multi_active.key[0]: 'kinds' is not an attribute of this satellite (did you mean 'kind'?)",
                "strata.yaml:26:46: vault.satellites.s_ma_all.multi_active.key: the key may not be every attribute: leave at least one attribute that describes each row");
    }

    @Test
    void shouldReadDeletedOnAStandardSatelliteMappingAndGiveItIsDeleted() {
        VaultSection vault = loader.parse(Path.of("."), SOURCES + """
                vault:
                  hubs:
                    h_a: { key: id, from: { orders: $.id } }
                  satellites:
                    s_a:
                      parent: h_a
                      attributes: { x: text }
                      from:
                        orders:
                          - { id: $.after.id, x: $.after.x, where: { $.op: [r, c, u] } }
                          - { id: $.before.id, x: $.before.x, where: { $.op: d }, deleted: { $.op: d } }
                    s_plain: { parent: h_a, attributes: { x: text }, from: { orders: { id: $.id, x: $.x } } }
                """, "strata.yaml").vault();
        SatelliteConfig s = vault.satellites().get("s_a");
        assertThat(s.tracksDeletes()).isTrue();
        assertThat(s.from().get(0).deleted()).isEmpty();
        assertThat(s.from().get(1).deleted()).extracting(f -> f.expression().text(), VaultMapping.Filter::values)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("$.op", List.of("d")));
        assertThat(vault.satellites().get("s_plain").tracksDeletes()).isFalse();
    }

    @Test
    void shouldReportEveryProblemOfPitAndBridgeDeclarations() {
        List<String> found = problems("""
                vault:
                  hubs:
                    h_a: { key: id, from: { orders: $.id } }
                    h_b: { key: id, from: { orders: $.b } }
                    h_c: { key: id, from: { orders: $.c } }
                  links:
                    l_ab: { hubs: [h_a, h_b], from: { orders: { h_a: $.id, h_b: $.b } } }
                    l_self: { hubs: { x: h_a, y: h_a }, from: { orders: { x: $.id, y: $.b } } }
                  satellites:
                    s_a: { parent: h_a, attributes: { v: text }, from: { orders: { id: $.id, v: $.v } } }
                    s_b: { parent: h_b, attributes: { v: text }, from: { orders: { id: $.b, v: $.v } } }
                  pits:
                    pit_x: { hub: h_aa, satellites: [s_a] }
                    pit_y: { hub: h_a, satellites: [s_b, s_aa, s_a, s_a], keep: 0s }
                    pit_z: { hub: h_a, satellites: [] }
                  bridges:
                    b_even: { path: [h_a, l_ab] }
                    b_gap: { path: [h_a, l_ab, h_c] }
                    b_self: { path: [h_a, l_self, h_b] }
                    b_twice: { path: [h_a, l_ab, h_a] }
                    pit_x: { path: [h_a, l_ab, h_b] }
                """);
        assertThat(found).containsExactly(
                "strata.yaml:17:14: vault.pits.pit_x.hub: 'h_aa' is not a declared hub (did you mean 'h_a'?)",
                "strata.yaml:18:37: vault.pits.pit_y.satellites[0]: 's_b' describes h_b, not h_a; a point-in-time table covers satellites of its hub (did you mean 's_a'?)",
                "strata.yaml:18:42: vault.pits.pit_y.satellites[1]: 's_aa' is not a declared satellite (did you mean 's_a'?)",
                "strata.yaml:18:53: vault.pits.pit_y.satellites[3]: 's_a' is listed twice",
                "strata.yaml:18:59: vault.pits.pit_y.keep: must be a positive duration, e.g. 30d",
                "strata.yaml:19:24: vault.pits.pit_z.satellites: a point-in-time table needs at least one satellite",
                "strata.yaml:21:15: vault.bridges.b_even.path: a path is hub, link, hub (and more links and hubs, alternating): it has an odd number of at least three entries, got 2",
                "strata.yaml:22:26: vault.bridges.b_gap.path[1]: l_ab does not link h_c (its hubs: h_a, h_b)",
                "strata.yaml:23:27: vault.bridges.b_self.path[1]: l_self refers to h_a through several roles (x, y); write { link: l_self, from: <role> }",
                "strata.yaml:23:27: vault.bridges.b_self.path[1]: l_self does not link h_b (its hubs: h_a)",
                "strata.yaml:24:34: vault.bridges.b_twice.path[2]: 'h_a' is on the path twice; its columns would be ambiguous (declare two bridges)",
                "strata.yaml:25:12: vault.bridges.pit_x: 'pit_x' is already declared; hubs, links, satellites, pits and bridges share one schema, so names must differ");
    }

    @Test
    void shouldKeepTheStgColumnListInStepWithTheStgContract() {
        // VaultConfigReader cannot see ingest.StgTable (config is the bottom layer); this pins the copy
        assertThat(VaultConfigReader.STG_COLUMNS).containsExactlyInAnyOrder(
                dev.strata.ingest.StgTable.SEQ, dev.strata.ingest.StgTable.KEY, dev.strata.ingest.StgTable.PARTITION,
                dev.strata.ingest.StgTable.OFFSET, dev.strata.ingest.StgTable.EVENT_TIME,
                dev.strata.ingest.StgTable.SOURCE_TIME, dev.strata.ingest.StgTable.LOADED_AT,
                dev.strata.ingest.StgTable.BATCH_ID);
    }

    @Test
    void shouldReadTheMappingsOfAJdbcSourceAsColumnsOfItsStgTable() {
        VaultSection v = loader.parse(Path.of("."), TABLE_SOURCES + """
                vault:
                  hubs:
                    hub_customer:
                      key: { id: integer }
                      from: { customers: id, orders: $.customer.id }
                    hub_sale: { key: { id: bigint }, from: { sales: { id: id, where: { qty: ["1", "2"] } } } }
                  links:
                    link_sale:
                      hubs: [hub_sale, hub_customer]
                      from: { sales: { hub_sale: id, hub_customer: customer_id, load_dt: _loaded_at } }
                  satellites:
                    sat_customer:
                      parent: hub_customer
                      attributes: { name: text, country: text }
                      from: { customers: { id: id, name: name, country: " country ", load_dt: modify_date } }
                """, "strata.yaml").vault();
        VaultMapping customers = v.hubs().get("hub_customer").from().get(0);
        assertThat(customers.source()).isEqualTo("customers");
        assertThat(customers.tabular()).isTrue();
        assertThat(customers.keys().get("hub_customer")).containsExactly(VaultExpression.sourceColumn("id"));
        VaultMapping orders = v.hubs().get("hub_customer").from().get(1);
        assertThat(orders.tabular()).as("a Kafka source's mapping beside it is read as before").isFalse();
        assertThat(orders.keys().get("hub_customer").get(0).kind()).isEqualTo(VaultExpression.Kind.PAYLOAD_PATH);
        assertThat(orders.keys().get("hub_customer").get(0).path().segments()).containsExactly("customer", "id");

        VaultMapping sale = v.hubs().get("hub_sale").from().get(0);
        assertThat(sale.tabular()).isTrue();
        assertThat(sale.where()).containsExactly(new VaultMapping.Filter(VaultExpression.sourceColumn("qty"), List.of("1", "2")));

        VaultMapping link = v.links().get("link_sale").from().get(0);
        assertThat(link.tabular()).isTrue();
        assertThat(link.keys()).containsExactly(Map.entry("hub_sale", List.of(VaultExpression.sourceColumn("id"))),
                Map.entry("hub_customer", List.of(VaultExpression.sourceColumn("customer_id"))));
        assertThat(link.loadDt()).as("Strata's own columns of the table are columns too").contains(VaultExpression.sourceColumn("_loaded_at"));

        VaultMapping sat = v.satellites().get("sat_customer").from().get(0);
        assertThat(sat.tabular()).isTrue();
        assertThat(sat.keys().get("hub_customer")).containsExactly(VaultExpression.sourceColumn("id"));
        assertThat(sat.attributes()).containsExactly(Map.entry("name", VaultExpression.sourceColumn("name")),
                Map.entry("country", VaultExpression.sourceColumn("country")));
        assertThat(sat.loadDt()).contains(VaultExpression.sourceColumn("modify_date"));
        assertThat(sat.loadDt().orElseThrow().kind()).isEqualTo(VaultExpression.Kind.SOURCE_COLUMN);
    }

    @Test
    void shouldRefuseJsonPathsKafkaColumnsAndEachInTheMappingsOfAJdbcSource() {
        assertThat(problems(TABLE_SOURCES, """
                vault:
                  hubs:
                    hub_customer: { key: { id: integer }, from: { customers: $.id } }
                    hub_sale:
                      key: { id: bigint }
                      from:
                        sales: { each: $.items, id: $item.id }
                  satellites:
                    sat_customer:
                      parent: hub_customer
                      attributes: { name: text, country: text, raw: text }
                      from: { customers: { id: id, name: _payload, country: _event_time, raw: "name || country" } }
                """)).containsExactly(
                "strata.yaml:8:62: vault.hubs.hub_customer.from.customers: '$.id' is a JSON path, but a jdbc source lands "
                        + "the source table's columns: name the column (e.g. modify_date)",
                "strata.yaml:12:24: vault.hubs.hub_sale.from.sales.each: each: reads a JSON array, and a jdbc source lands "
                        + "columns, not JSON",
                "strata.yaml:12:37: vault.hubs.hub_sale.from.sales.id: '$item.id' is a JSON path, but a jdbc source lands "
                        + "the source table's columns: name the column (e.g. modify_date)",
                "strata.yaml:17:42: vault.satellites.sat_customer.from.customers.name: '_payload' is a column of a Kafka "
                        + "source's STG table; a jdbc source's has _batch_id, _key, _loaded_at, _seq, _snapshot_date beside "
                        + "the source's columns",
                "strata.yaml:17:61: vault.satellites.sat_customer.from.customers.country: '_event_time' is a column of a "
                        + "Kafka source's STG table; a jdbc source's has _batch_id, _key, _loaded_at, _seq, _snapshot_date "
                        + "beside the source's columns",
                "strata.yaml:17:79: vault.satellites.sat_customer.from.customers.raw: 'name || country' is not a column "
                        + "name (letters, digits and _, at most 63)");
    }

    @Test
    void shouldKeepTheJdbcStgColumnListInStepWithTheJdbcLanding() {
        // the copy in config of the columns a jdbc source's STG table has beside the source's (both modes)
        java.util.Set<String> landed = new java.util.HashSet<>(
                dev.strata.ingest.JdbcLanding.metadataColumns(JdbcSourceSpec.Mode.SNAPSHOT));
        landed.addAll(dev.strata.ingest.JdbcLanding.metadataColumns(JdbcSourceSpec.Mode.INCREMENTAL));
        assertThat(VaultConfigReader.TABLE_STG_COLUMNS).containsExactlyInAnyOrderElementsOf(landed);
    }
}
