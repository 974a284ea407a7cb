package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Each console page in a real headless Chromium against a running pipeline: the expected elements
 * appear, charts draw on their canvas, a dead letter holding HTML and script is shown as text and
 * runs nothing, no page logs a console error (a CSP violation would be one). Screenshots go to
 * {@code target/screenshots/}.
 */
class ConsoleBrowserIT {
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static ConsolePipeline pipeline;
    private static ConsoleServer console;
    private static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path profile) throws Exception {
        Chromium.assumeAvailable();
        pipeline = ConsolePipeline.start();
        console = pipeline.console();
        browser = Chromium.start(profile);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (console != null) {
            console.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }

    @Test
    void shouldDrawTheGraphWithNodeNamesRowCountsAndANodesSql() throws Exception {
        open("/");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(texts("#nodes tbody tr td:first-child"))
                .containsExactly("topic:" + pipeline.topic, "orders", "init", "h_order", "s_order_status_with_a_long_name",
                        "user_category_counters"));
        assertThat(text("#nodes tbody tr[data-node=orders]")).contains(String.valueOf(ConsolePipeline.STG_ROWS));
        assertThat(browser.findElement(By.cssSelector("#nodes tbody tr[data-node=user_category_counters] .badge")).getText())
                .isEqualTo("failed");
        awaitCanvasDrawn("#graph-chart");
        WebElement link = browser.findElement(By.cssSelector("#nodes tbody tr[data-node=user_category_counters] a"));
        browser.executeScript("arguments[0].scrollIntoView({ block: 'center' })", link);
        link.click();
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(text("#detail-sql")).startsWith("SELECT category_name"));
    }

    @Test
    void shouldFillTheRunGridAndShowAFailedCellsErrorAsTextWithAReRunButton() throws Exception {
        open("/runs.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#grid .sq[data-run-id]"))).hasSize(9));
        WebElement failed = browser.findElement(By.cssSelector("#grid .sq.state-failed"));
        assertThat(failed.getCssValue("background-color")).as("failed cells are red").isEqualTo("rgba(214, 69, 65, 1)");
        assertThat(browser.findElement(By.cssSelector("#grid .sq.state-success")).getCssValue("background-color"))
                .as("successful cells are green").isEqualTo("rgba(46, 158, 91, 1)");
        // the source runs no tasks: its cells say it lands continuously instead of being empty squares
        assertThat(browser.findElements(By.cssSelector("#grid .sq[data-state=streaming]"))).isNotEmpty();
        failed.click();
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(text("#run-error")).isEqualTo(ConsolePipeline.FAILED_ERROR));
        assertThat(browser.findElements(By.cssSelector("#run-error b"))).as("error text is not parsed as HTML").isEmpty();
        screenshot("runs");
        browser.findElement(By.id("rerun")).click();
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(text("#rerun-result")).startsWith("queued"));
        assertThat(pipeline.state("user_category_counters", ConsolePipeline.DAY3)).isEqualTo("queued");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#grid .sq.state-queued"))).hasSize(1));
    }

    @Test
    void shouldListPipelineRunsNewestFirstWithTriggerStatusFailedTaskAndErrorAsText() throws Exception {
        open("/runs.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#pipeline-runs tbody tr"))).hasSize(4));
        assertThat(texts("#pipeline-runs tbody td.run-trigger")).containsExactly("manual", "scheduled", "scheduled", "scheduled");
        assertThat(texts("#pipeline-runs tbody td.run-status")).containsExactly("failed", "failed", "success", "success");
        assertThat(texts("#pipeline-runs tbody td.run-failed-task"))
                .containsExactly("user_category_counters", "user_category_counters", "–", "–");
        assertThat(texts("#pipeline-runs tbody td.run-message")).containsExactly(ConsolePipeline.MANUAL_RUN_ERROR.split("\n")[0],
                ConsolePipeline.FAILED_ERROR.split("\n")[0], "–", "–");
        assertThat(browser.findElements(By.cssSelector("#pipeline-runs b"))).as("error text is not parsed as HTML").isEmpty();
        assertThat(browser.findElement(By.cssSelector("#pipeline-runs tbody tr td.run-message")).getAttribute("title"))
                .isEqualTo(ConsolePipeline.MANUAL_RUN_ERROR);
        assertThat(browser.findElement(By.cssSelector("#pipeline-runs tbody tr .badge.state-failed")).getCssValue("background-color"))
                .as("failed runs are red").isEqualTo("rgba(214, 69, 65, 1)");
        WebElement table = browser.findElement(By.id("pipeline-runs"));
        browser.executeScript("arguments[0].scrollIntoView({ block: 'center' })", table);
        // each status badge is drawn in its own row, not pulled out of the table by a page-wide style
        for (WebElement row : browser.findElements(By.cssSelector("#pipeline-runs tbody tr"))) {
            org.openqa.selenium.Rectangle r = row.getRect();
            org.openqa.selenium.Rectangle b = row.findElement(By.cssSelector(".badge")).getRect();
            assertThat(b.getY()).as("badge inside its row").isBetween(r.getY(), r.getY() + r.getHeight() - b.getHeight());
        }
        screenshot("pipeline-runs");
    }

    @Test
    void shouldShowPartitionsWithLagAndDrawTheRateChart() throws Exception {
        open("/streams.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector(".source[data-source=orders] tbody tr"))).hasSize(2);
            assertThat(text(".source[data-source=orders] tbody tr:nth-child(2) td:nth-child(4)"))
                    .isEqualTo(String.valueOf(ConsolePipeline.LAG));
        });
        awaitCanvasDrawn("#rate-chart");
    }

    @Test
    void shouldListDeadLettersWithTheirPayloadAsTextAndRunNoScriptFromIt() throws Exception {
        open("/dead-letters.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#dead-letters tr.dead-letter"))).hasSize(3));
        WebElement row = browser.findElement(By.cssSelector("tr.dead-letter[data-id='" + pipeline.xssDeadLetterId + "']"));
        assertThat(row.findElement(By.cssSelector("pre.payload")).getAttribute("textContent")).isEqualTo(ConsolePipeline.XSS_PAYLOAD);
        assertThat(row.findElement(By.cssSelector(".reason")).getText()).isEqualTo("key $.id missing <script>alert(1)</script>");
        assertThat(browser.findElements(By.cssSelector("#dead-letters img, #dead-letters script"))).isEmpty();
        assertThat(browser.executeScript("return window.__xss === undefined")).isEqualTo(true);
        screenshot("dead-letters");
    }

    @Test
    void shouldDrawTheDeclaredDashboardsAndPreviewAMart() throws Exception {
        open("/dashboards.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector(".dashboard[data-ready=true]"))).hasSize(5);
            assertThat(text(".dashboard[data-dashboard=not_built]")).contains("waiting for cdm.user_product_counters");
            assertThat(browser.findElements(By.cssSelector("#mart-preview tbody tr"))).isNotEmpty();
        });
        awaitCanvasDrawn(".dashboard[data-dashboard=orders_by_category] .chart");
        awaitCanvasDrawn(".dashboard[data-dashboard=orders_line] .chart");
        assertThat(browser.findElements(By.cssSelector(".dashboard[data-dashboard=top_pairs] tbody tr"))).hasSize(5);
    }

    @Test
    void shouldLayTheGraphOutByLayerLeftToRightWithLabelsThatDoNotOverlap() throws Exception {
        open("/");
        awaitCanvasDrawn("#graph-chart");
        // where each node is drawn, in pixels, and how wide its widest label line is
        String script = "const c = echarts.getInstanceByDom(document.getElementById('graph-chart'));"
                + "const data = c.getOption().series[0].data; const ctx = document.createElement('canvas').getContext('2d');"
                + "ctx.font = '11px sans-serif';"
                + "return data.filter(d => !d.name.startsWith('\\u0000')).map(d => { const p = c.convertToPixel({ seriesIndex: 0 }, [d.x, d.y]);"
                + "  const w = Math.max(...d.label.formatter.split('\\n').map(l => ctx.measureText(l).width));"
                + "  return [d.name, p[0], p[1], w]; });";
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> {
            @SuppressWarnings("unchecked")
            List<List<Object>> nodes = (List<List<Object>>) browser.executeScript(script);
            Map<String, double[]> at = new java.util.HashMap<>();
            nodes.forEach(n -> at.put((String) n.get(0), new double[] {((Number) n.get(1)).doubleValue(),
                    ((Number) n.get(2)).doubleValue(), ((Number) n.get(3)).doubleValue()}));
            // sources -> STG -> hubs -> tasks and marts: lineage reads left to right
            assertThat(at.get("topic:" + pipeline.topic)[0]).isLessThan(at.get("orders")[0]);
            assertThat(at.get("orders")[0]).isLessThan(at.get("h_order")[0]);
            assertThat(at.get("h_order")[0]).isLessThan(at.get("user_category_counters")[0]);
            assertThat(at.get("orders")[0]).isLessThan(at.get("init")[0]);
            // a satellite is drawn right of the hubs, even when it is no deeper in the graph
            assertThat(at.get("h_order")[0]).isLessThan(at.get("s_order_status_with_a_long_name")[0]);
            assertThat(at.get("s_order_status_with_a_long_name")[0]).isLessThan(at.get("user_category_counters")[0]);
            // no two labels share pixels: nodes in one row are further apart than half their labels
            for (Map.Entry<String, double[]> a : at.entrySet()) {
                for (Map.Entry<String, double[]> b : at.entrySet()) {
                    if (a.getKey().compareTo(b.getKey()) < 0 && Math.abs(a.getValue()[1] - b.getValue()[1]) < 40) {
                        assertThat(Math.abs(a.getValue()[0] - b.getValue()[0])).as(a.getKey() + " / " + b.getKey())
                                .isGreaterThan((a.getValue()[2] + b.getValue()[2]) / 2);
                    }
                }
            }
        });
        screenshot("graph");
    }

    @Test
    void shouldLabelTheRunsGridAtTheCadencesResolutionInDagOrder() throws Exception {
        open("/runs.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(texts("#grid tbody tr td:first-child"))
                .containsSubsequence("orders", "init", "h_order", "user_category_counters"));
        // daily intervals: the date, not a time that is midnight for every column
        assertThat(texts("#grid thead th.interval")).contains("10-02", "10-03", "10-04");
        // a 5-second cadence: every column its own second (it used to be '12-03 08:59' for all)
        Object labels = browser.executeScript("return Strata.fmt.intervalLabels(['2022-12-03T08:59:05Z',"
                + " '2022-12-03T08:59:10Z', '2022-12-03T08:59:15Z']);");
        assertThat(labels).isEqualTo(List.of("08:59:05", "08:59:10", "08:59:15"));
        Object hourly = browser.executeScript("return Strata.fmt.intervalLabels(['2022-12-03T22:00:00Z', '2022-12-03T23:00:00Z',"
                + " '2022-12-04T00:00:00Z']);");
        assertThat(hourly).isEqualTo(List.of("12-03 22:00", "12-03 23:00", "12-04 00:00"));
        screenshot("runs-grid");
    }

    @Test
    void shouldLabelEveryBarUseWholeTicksForCountsShowVarsInTitlesAndPutDatesOnATimeAxis() throws Exception {
        open("/dashboards.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector(".dashboard[data-dashboard=tagged][data-ready=true]"))).hasSize(1);
            assertThat(browser.findElements(By.cssSelector(".dashboard[data-dashboard=per_day][data-ready=true]"))).hasSize(1);
        });
        awaitCanvasDrawn(".dashboard[data-dashboard=tagged] .chart");
        awaitCanvasDrawn(".dashboard[data-dashboard=per_day] .chart");
        assertThat(text(".dashboard[data-dashboard=tagged] h2")).isEqualTo("Users with at least 10 orders");
        String chart = "const c = echarts.getInstanceByDom(document.querySelector(arguments[0] + ' .chart'));";
        // the labels ECharts actually draws on the category axis: one per bar
        Object labels = browser.executeScript(chart + "return c.getModel().getComponent('xAxis').axis.getViewLabels().length;",
                ".dashboard[data-dashboard=tagged]");
        assertThat(((Number) labels).intValue()).isEqualTo(8);
        @SuppressWarnings("unchecked")
        List<Number> ticks = (List<Number>) browser.executeScript(chart
                + "return c.getModel().getComponent('yAxis').axis.scale.getTicks().map(t => t.value);", ".dashboard[data-dashboard=tagged]");
        assertThat(ticks).isNotEmpty().allSatisfy(t -> assertThat(t.doubleValue() % 1).as("tick " + t).isZero());
        // dates: a time axis, so the missing 2022-10-05 leaves a gap instead of a evenly spaced category
        assertThat(browser.executeScript(chart + "return c.getModel().getComponent('xAxis').axis.type;",
                ".dashboard[data-dashboard=per_day]")).isEqualTo("time");
        // y labels of millions are inside the chart, not clipped at its left edge
        Object left = browser.executeScript(chart + "const g = c.getModel().getComponent('grid').coordinateSystem.getRect();"
                + "const y = c.getModel().getComponent('yAxis'); const ctx = document.createElement('canvas').getContext('2d');"
                + "ctx.font = '12px sans-serif'; const widest = Math.max(...y.axis.scale.getTicks().map(t => "
                + "ctx.measureText(y.axis.getLabelModel().get('formatter')(t.value)).width));"
                + "return g.x - widest;", ".dashboard[data-dashboard=per_day]");
        assertThat(((Number) left).doubleValue()).as("room left of the y labels").isGreaterThanOrEqualTo(0);
        screenshot("dashboards");
    }

    @Test
    void shouldColourLagByItsAgeAndExplainARedisSourcesPosition() throws Exception {
        open("/streams.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(
                text(".source[data-source=orders] tbody tr:nth-child(2) td:nth-child(4)")).isEqualTo(String.valueOf(ConsolePipeline.LAG)));
        // five messages a few seconds old: behind, not an alarm (red starts at console.lag_warning, 60 s)
        WebElement lag = browser.findElement(By.cssSelector(".source[data-source=orders] tbody tr:nth-child(2) td:nth-child(4)"));
        assertThat(lag.getAttribute("class")).contains("lag-behind").doesNotContain("lag-bad");
        assertThat(lag.getCssValue("color")).isNotEqualTo("rgba(214, 69, 65, 1)");
        assertThat(text(".source[data-source=orders]")).contains("red from 1.0 min (console.lag_warning)");
        assertThat(text(".source[data-source=users]")).contains("Its position counts the snapshots landed")
                .contains("snapshots landed3");
        screenshot("streams");
    }

    @Test
    void shouldShowTheConsolesOwnPageForAnUnknownAddress() throws Exception {
        open("/no-such-page.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> {
            assertThat(text("h1")).isEqualTo("Page not found");
            assertThat(browser.findElements(By.cssSelector("header nav a"))).hasSizeGreaterThanOrEqualTo(5);
        });
        screenshot("not-found");
        // the browser logs the page's own 404 status; nothing else may be logged
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).allSatisfy(e ->
                assertThat(e.getMessage()).contains("no-such-page.html").contains("404"));
    }

    private void open(String path) {
        browser.get(console.url().replaceAll("/$", "") + path);
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getAttribute("textContent");
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(e -> e.getAttribute("textContent")).toList();
    }

    /** Waits until the chart's canvas has drawn pixels (ECharts draws asynchronously). */
    private void awaitCanvasDrawn(String container) {
        String script = "const c = document.querySelector(arguments[0] + ' canvas'); if (!c || c.width === 0) return 0;"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + "for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) n++; } return n;";
        await().atMost(PAGE_TIMEOUT).untilAsserted(() ->
                assertThat(((Number) browser.executeScript(script, container)).longValue()).as(container + " canvas").isGreaterThan(500));
    }

    private void screenshot(String name) throws Exception {
        Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, SCREENSHOTS.resolve("console-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
