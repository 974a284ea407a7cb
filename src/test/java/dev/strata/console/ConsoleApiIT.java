package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the console's API against a pipeline on the embedded PostgreSQL and Kafka,
 * including the validation of each parameter: bad input is a 4xx and changes nothing.
 */
class ConsoleApiIT {
    private static ConsolePipeline pipeline;
    private static ConsoleServer console;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        pipeline = ConsolePipeline.start();
        console = pipeline.console();
        http = new Http(console.url());
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldListDeadLettersNewestFirstWithRawPayloadAsTextOrBase64() {
        JsonNode list = http.get("/api/dead-letters?state=all").json().get("dead_letters");
        assertThat(list).hasSize(3);
        assertThat(list.get(0).get("id").asLong()).isEqualTo(pipeline.binaryDeadLetterId);
        assertThat(list.get(0).get("payload_text").isNull()).isTrue();
        assertThat(list.get(0).get("payload_base64").asText()).isEqualTo("//4AAQI=");
        JsonNode xss = list.get(1);
        assertThat(xss.get("payload_text").asText()).isEqualTo(ConsolePipeline.XSS_PAYLOAD);
        assertThat(xss.get("reason").asText()).contains("<script>");
        assertThat(xss.get("source").asText()).isEqualTo("orders");
        assertThat(xss.get("partition").asText()).isEqualTo("1");
        assertThat(xss.get("position").asLong()).isEqualTo(7);
        assertThat(list.get(2).get("payload_text").asText()).isEqualTo("{not json");

        JsonNode one = http.get("/api/dead-letters/" + pipeline.xssDeadLetterId).json();
        assertThat(one.get("payload_text").asText()).isEqualTo(ConsolePipeline.XSS_PAYLOAD);
        assertThat(one.get("payload_size").asInt()).isEqualTo(ConsolePipeline.XSS_PAYLOAD.length());
    }

    @Test
    void shouldFilterDeadLettersBySourceAndRejectUnknownOrMalformedFilters() {
        assertThat(http.get("/api/dead-letters?source=orders&state=all").json().get("dead_letters")).hasSize(3);
        assertThat(http.get("/api/dead-letters?source=orders&state=all&limit=1").json().get("dead_letters")).hasSize(1);
        long before = pipeline.count("SELECT count(*) FROM strata.dead_letters");
        assertThat(http.get("/api/dead-letters?source=payments").status()).isEqualTo(404);
        assertThat(http.get("/api/dead-letters?source=" + enc("orders' OR '1'='1")).status()).isEqualTo(400);
        assertThat(http.get("/api/dead-letters?source=" + enc("orders; DROP TABLE strata.dead_letters; --")).status()).isEqualTo(400);
        assertThat(http.get("/api/dead-letters?state=" + enc("all' --")).status()).isEqualTo(400);
        assertThat(http.get("/api/dead-letters?limit=100000").status()).isEqualTo(400);
        assertThat(http.get("/api/dead-letters?before=-1").status()).isEqualTo(400);
        assertThat(http.get("/api/dead-letters/1%20OR%201=1").status()).isEqualTo(400);
        assertThat(http.get("/api/dead-letters/987654").status()).isEqualTo(404);
        assertThat(pipeline.count("SELECT count(*) FROM strata.dead_letters")).isEqualTo(before);

        JsonNode summary = http.get("/api/dead-letters/summary").json().get("sources");
        assertThat(summary).hasSize(1);
        assertThat(summary.get(0).get("source").asText()).isEqualTo("orders");
    }

    @Test
    void shouldReplayOneDeadLetterThroughTheLandingOnceAndRejectBadIds() {
        long id = pipeline.count("SELECT min(id) FROM strata.dead_letters");
        assertThat(http.post("/api/dead-letters/abc/replay", "").status()).isEqualTo(400);
        assertThat(http.post("/api/dead-letters/987654/replay", "").status()).isEqualTo(404);
        assertThat(http.postRaw("/api/dead-letters/" + id + "/replay", "").status())
                .as("a POST without the request header is refused").isEqualTo(400);
        assertThat(pipeline.replays).isEmpty();

        Http.Response replayed = http.post("/api/dead-letters/" + id + "/replay", "");
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.json().get("outcome").asText()).isEqualTo("landed");
        assertThat(pipeline.replays).containsExactly(id);
        assertThat(http.get("/api/dead-letters/" + id).json().get("replayed_at").isNull()).isFalse();
        assertThat(http.post("/api/dead-letters/" + id + "/replay", "").status()).as("already replayed").isEqualTo(409);
        assertThat(http.get("/api/dead-letters").json().get("dead_letters")).extracting(n -> n.get("id").asLong())
                .doesNotContain(id);
        assertThat(http.post("/api/dead-letters/replay?source=payments", "").status()).isEqualTo(404);
        assertThat(http.post("/api/dead-letters/replay?source=" + enc("x'--"), "").status()).isEqualTo(400);
        assertThat(http.post("/api/dead-letters/replay?source=orders", "").status()).isEqualTo(200);
    }

    @Test
    void shouldServeTheRunGridOfNodesByIntervalWithTheFailedCellsError() {
        JsonNode grid = http.get("/api/runs").json();
        // graph order, an SQL task without a table (init) included where it belongs, not after the marts
        assertThat(grid.get("nodes")).extracting(JsonNode::asText)
                .containsExactly("orders", "init", "h_order", "s_order_status_with_a_long_name", "user_category_counters");
        assertThat(grid.get("intervals")).extracting(i -> i.get("start").asText())
                .containsExactly("2022-10-02T00:00:00Z", "2022-10-03T00:00:00Z", "2022-10-04T00:00:00Z");
        Map<String, String> states = new HashMap<>();
        for (JsonNode c : grid.get("cells")) {
            states.put(c.get("node").asText() + "@" + c.get("interval_start").asText(), c.get("state").asText());
        }
        assertThat(states).hasSize(9).containsEntry("user_category_counters@2022-10-04T00:00:00Z", "failed")
                .containsEntry("h_order@2022-10-04T00:00:00Z", "success");
        // the source lands continuously and runs no task: the grid says so instead of showing empty cells
        assertThat(grid.get("continuous").get("orders")).as(grid.toString()).isNotNull();
        assertThat(grid.get("continuous").get("orders").get("covered_until").isNull()).isTrue();
        assertThat(grid.get("continuous").has("h_order")).as("h_order runs tasks").isFalse();

        JsonNode latestTwo = http.get("/api/runs?intervals=2").json();
        assertThat(latestTwo.get("intervals")).hasSize(2);
        JsonNode window = http.get("/api/runs?from=2022-10-03&to=2022-10-04T00:00:00Z&node=h_order").json();
        assertThat(window.get("cells")).hasSize(1);
        assertThat(window.get("cells").get(0).get("interval_start").asText()).isEqualTo("2022-10-03T00:00:00Z");

        assertThat(http.get("/api/runs?from=yesterday").status()).isEqualTo(400);
        assertThat(http.get("/api/runs?intervals=0").status()).isEqualTo(400);
        assertThat(http.get("/api/runs?node=" + enc("h_order' OR 1=1 --")).status()).isEqualTo(404);

        long failedId = pipeline.count("SELECT id FROM strata.task_runs WHERE state = 'failed'");
        JsonNode run = http.get("/api/runs/" + failedId).json();
        assertThat(run.get("error").asText()).isEqualTo(ConsolePipeline.FAILED_ERROR);
        assertThat(run.get("attempt").asInt()).isEqualTo(3);
        assertThat(http.get("/api/runs/0").status()).isEqualTo(400);
        assertThat(http.get("/api/runs/424242").status()).isEqualTo(404);

        JsonNode nodeRuns = http.get("/api/nodes/h_order/runs?limit=2").json().get("runs");
        assertThat(nodeRuns).hasSize(2);
        assertThat(nodeRuns.get(0).get("interval_start").asText()).isEqualTo("2022-10-04T00:00:00Z");
        assertThat(http.get("/api/nodes/nope/runs").status()).isEqualTo(404);
    }

    @Test
    void shouldRerunAFailedIntervalThroughTheSchedulerAndRejectBadRequestsWithoutEffect() {
        String node = "user_category_counters";
        String interval = "2022-10-04T00:00:00Z/P1D";
        List<Integer> refused = new ArrayList<>();
        refused.add(http.post("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"2022-13-04/P1D\"}").status());
        refused.add(http.post("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"2022-10-04T00:00:00Z\"}").status());
        refused.add(http.post("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"2022-10-04/2022-10-03\"}").status());
        refused.add(http.post("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"2022-10-04/PXD\"}").status());
        refused.add(http.post("/api/runs/rerun", "not json").status());
        refused.add(http.post("/api/runs/rerun", "{\"node\": 5, \"interval\": \"" + interval + "\"}").status());
        assertThat(refused).containsOnly(400);
        assertThat(http.post("/api/runs/rerun", "{\"node\": \"nope\", \"interval\": \"" + interval + "\"}").status()).isEqualTo(404);
        assertThat(http.post("/api/runs/rerun", "{\"node\": \"x'; DELETE FROM strata.task_runs; --\", \"interval\": \""
                + interval + "\"}").status()).isEqualTo(404);
        assertThat(http.post("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"2021-01-01/P1D\"}").status())
                .as("no task run for that interval").isEqualTo(404);
        assertThat(http.postRaw("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"" + interval + "\"}").status())
                .as("without the request header").isEqualTo(400);
        assertThat(pipeline.reruns).isEmpty();
        assertThat(pipeline.state(node, ConsolePipeline.DAY3)).isEqualTo("failed");
        assertThat(pipeline.count("SELECT count(*) FROM strata.task_runs")).isEqualTo(9);

        Http.Response accepted = http.post("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"" + interval + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(pipeline.reruns).containsExactly(node + " 2022-10-04T00:00:00Z/2022-10-05T00:00:00Z");
        assertThat(pipeline.state(node, ConsolePipeline.DAY3)).isEqualTo("queued");
        Http.Response queued = http.post("/api/runs/rerun", "{\"node\": \"" + node + "\", \"interval\": \"" + interval + "\"}");
        assertThat(queued.status()).as("already queued").isEqualTo(409);
        // it used to say 'already running' of a run that waits in the queue
        assertThat(queued.json().get("error").asText()).contains("is already queued for").contains("nothing to re-run yet")
                .doesNotContain("running");
        pipeline.execute("UPDATE strata.task_runs SET state = 'failed', attempt = 3, error = ? WHERE node = ? AND interval_start = ?",
                ConsolePipeline.FAILED_ERROR, node, ConsolePipeline.DAY3);
    }

    @Test
    void shouldShowTheGraphWithRowCountsAndEachNodesLatestState() {
        JsonNode nodes = http.get("/api/graph").json().get("nodes");
        Map<String, JsonNode> byName = new HashMap<>();
        nodes.forEach(n -> byName.put(n.get("name").asText(), n));
        assertThat(byName).containsKeys("topic:" + pipeline.topic, "orders", "h_order", "user_category_counters");
        assertThat(byName.get("orders").get("rows").asLong()).isEqualTo(ConsolePipeline.STG_ROWS);
        assertThat(byName.get("orders").get("table").asText()).isEqualTo("stg.orders");
        long martRows = pipeline.count("SELECT count(*) FROM cdm.user_category_counters");
        assertThat(byName.get("user_category_counters").get("rows").asLong()).isEqualTo(martRows);
        assertThat(byName.get("user_category_counters").get("state").asText()).isEqualTo("failed");
        assertThat(byName.get("h_order").get("state").asText()).isEqualTo("success");
        assertThat(byName.get("h_order").get("rows").isNull()).as("dds.h_order is not built yet").isTrue();
        assertThat(byName.get("h_order").get("inputs")).extracting(JsonNode::asText).containsExactly("orders");
        assertThat(byName.get("orders").get("covered_until").isNull()).isTrue();

        // a node that reports coverage (a continuous vault target does) carries it to the page
        pipeline.execute("INSERT INTO strata.node_coverage (pipeline, node, covered_until) VALUES ('shop', 'orders', ?)",
                java.sql.Timestamp.from(java.time.Instant.parse("2022-10-04T00:00:00Z")));
        try {
            JsonNode again = http.get("/api/graph").json().get("nodes");
            again.forEach(n -> {
                if (n.get("name").asText().equals("orders")) {
                    assertThat(n.get("covered_until").asText()).isEqualTo("2022-10-04T00:00:00Z");
                }
            });
        } finally {
            pipeline.execute("DELETE FROM strata.node_coverage WHERE pipeline = 'shop' AND node = 'orders'");
        }

        JsonNode detail = http.get("/api/graph/nodes/user_category_counters").json();
        assertThat(detail.get("sql").asText()).startsWith("SELECT category_name");
        assertThat(detail.get("runs")).hasSize(3);
        assertThat(detail.get("runs").get(0).get("error").asText()).isEqualTo(ConsolePipeline.FAILED_ERROR);
        assertThat(http.get("/api/graph/nodes/" + enc("h_order'--")).status()).isEqualTo(404);
    }

    @Test
    void shouldReportPositionLogEndAndLagPerPartition() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode streams = http.get("/api/streams").json();
            assertThat(streams.get("lag_warning_seconds").asDouble()).as("console.lag_warning's default").isEqualTo(60.0);
            JsonNode sources = streams.get("sources");
            assertThat(sources).extracting(x -> x.get("source").asText()).containsExactlyInAnyOrder("orders", "users");
            JsonNode orders = sources.get(0).get("source").asText().equals("orders") ? sources.get(0) : sources.get(1);
            assertThat(orders.get("topic").asText()).isEqualTo(pipeline.topic);
            assertThat(orders.get("error").isNull()).as(orders.toString()).isTrue();
            JsonNode p0 = orders.get("partitions").get(0);
            JsonNode p1 = orders.get("partitions").get(1);
            assertThat(p0.get("log_end").asLong()).isEqualTo(ConsolePipeline.MESSAGES_PER_PARTITION);
            assertThat(p0.get("lag").asLong()).isZero();
            assertThat(p0.get("lag_seconds").asDouble()).isZero();
            assertThat(p1.get("position").asLong()).isEqualTo(ConsolePipeline.MESSAGES_PER_PARTITION - ConsolePipeline.LAG);
            assertThat(p1.get("lag").asLong()).isEqualTo(ConsolePipeline.LAG);
            assertThat(p1.get("lag_seconds").asDouble()).as("age of the first record not landed").isGreaterThan(0);
            assertThat(orders.get("lag").asLong()).isEqualTo(ConsolePipeline.LAG);
            assertThat(orders.get("rates").size()).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void shouldAnswerAnUnknownPageWithTheConsolesHtmlPageAndAnUnknownEndpointWithJson() {
        Http.Response page = http.get("/no-such-page.html", "Accept", "text/html,application/xhtml+xml");
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<h1>Page not found</h1>").contains("href=\"/runs.html\"");
        Http.Response api = http.get("/api/no-such-endpoint", "Accept", "text/html");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.json().get("error").asText()).isEqualTo("no such endpoint: /api/no-such-endpoint");
        Http.Response script = http.get("/no-such-page.html");
        assertThat(script.status()).isEqualTo(404);
        assertThat(script.body()).as("a script gets text, not a page").isEqualTo("not found: /no-such-page.html\n");
    }

    @Test
    void shouldPreviewAnyMartOfSchemaCdmAndNothingElse() {
        assertThat(http.get("/api/marts").json().get("marts")).extracting(JsonNode::asText).containsExactly("daily_amounts", "tags_by_category", "user_category_counters");
        JsonNode preview = http.get("/api/marts/user_category_counters/preview").json();
        assertThat(preview.get("columns")).extracting(c -> c.get("name").asText())
                .containsExactly("id", "user_id", "category_id", "category_name", "order_cnt");
        assertThat(preview.get("rows").size()).isEqualTo((int) pipeline.count("SELECT count(*) FROM cdm.user_category_counters"));
        assertThat(http.get("/api/marts/user_category_counters/preview?limit=2").json().get("rows")).hasSize(2);
        assertThat(http.get("/api/marts/user_category_counters/preview?limit=101").status()).isEqualTo(400);
        assertThat(http.get("/api/marts/task_runs/preview").status()).as("strata.task_runs is not a mart").isEqualTo(404);
        assertThat(http.get("/api/marts/" + enc("user_category_counters; DROP TABLE cdm.user_category_counters") + "/preview").status())
                .isEqualTo(400);
        assertThat(http.get("/api/marts/" + enc("strata.task_runs") + "/preview").status()).isEqualTo(400);
        assertThat(pipeline.count("SELECT count(*) FROM cdm.user_category_counters")).isPositive();
    }

    @Test
    void shouldServeDeclaredDashboardsAggregatedFromTheirMart() {
        JsonNode list = http.get("/api/dashboards").json().get("dashboards");
        assertThat(list).extracting(d -> d.get("name").asText())
                .containsExactlyInAnyOrder("orders_by_category", "orders_line", "top_pairs", "not_built", "tagged", "per_day");
        // a title shows the project variable it names, not the literal name
        assertThat(list).filteredOn(d -> d.get("name").asText().equals("tagged")).singleElement()
                .satisfies(d -> assertThat(d.get("title").asText()).isEqualTo("Users with at least 10 orders"));
        JsonNode bar = http.get("/api/dashboards/orders_by_category/data").json();
        assertThat(bar.get("ready").asBoolean()).isTrue();
        Map<String, Long> totals = new HashMap<>();
        bar.get("rows").forEach(r -> totals.put(r.get(0).asText(), r.get(1).asLong()));
        assertThat(totals).isEqualTo(ConsolePipeline.CATEGORY_TOTALS);
        assertThat(bar.get("rows").get(0).get(0).asText()).as("ordered by x").isEqualTo("Drinks");

        JsonNode max = http.get("/api/dashboards/orders_line/data").json();
        max.get("rows").forEach(r -> assertThat(r.get(1).asLong()).isLessThanOrEqualTo(4));

        JsonNode top = http.get("/api/dashboards/top_pairs/data").json();
        assertThat(top.get("columns")).extracting(c -> c.get("name").asText()).containsExactly("user_id", "category_name", "order_cnt");
        assertThat(top.get("rows")).hasSize(5);
        assertThat(top.get("rows").get(0).get(2).asLong()).isEqualTo(4);

        JsonNode waiting = http.get("/api/dashboards/not_built/data").json();
        assertThat(waiting.get("ready").asBoolean()).isFalse();
        assertThat(waiting.get("message").asText()).contains("cdm.user_product_counters");
        assertThat(http.get("/api/dashboards/nope/data").status()).isEqualTo(404);
        assertThat(http.get("/api/dashboards/" + enc("a'b") + "/data").status()).isEqualTo(400);
    }

    @Test
    void shouldPublishPrometheusMetricsOfThePipeline() {
        pipeline.metrics.counter("strata.rows.landed", "source", "orders").increment(20);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Http.Response r = http.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(r.body()).contains("strata_rows_landed_total{source=\"orders\"} 20.0")
                    .contains("strata_task_runs{state=\"failed\"}")
                    .contains("strata_dead_letters_pending{source=\"orders\"}")
                    .contains("strata_stream_lag_messages{partition=\"1\",source=\"orders\"} 5.0");
        });
    }

    @Test
    void shouldServeThePagesAndEChartsFromTheJarAndAnswerUnknownApiPathsWithJson404() {
        Http.Response index = http.get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("<title>Strata · Graph</title>");
        for (String page : List.of("/runs.html", "/streams.html", "/dead-letters.html", "/dashboards.html", "/common.js", "/app.css")) {
            assertThat(http.get(page).status()).as(page).isEqualTo(200);
        }
        Http.Response echarts = http.get("/webjars/echarts/5.3.1/dist/echarts.min.js");
        assertThat(echarts.status()).isEqualTo(200);
        assertThat(echarts.body()).contains("echarts");
        Http.Response unknown = http.get("/api/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).contains("no such endpoint");
        assertThat(http.get("/api/info").json().get("pipeline").asText()).isEqualTo("shop");
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
