package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
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
                .containsExactly("topic:" + pipeline.topic, "orders", "h_order", "user_category_counters"));
        assertThat(text("#nodes tbody tr[data-node=orders]")).contains(String.valueOf(ConsolePipeline.STG_ROWS));
        assertThat(browser.findElement(By.cssSelector("#nodes tbody tr[data-node=user_category_counters] .badge")).getText())
                .isEqualTo("failed");
        awaitCanvasDrawn("#graph-chart");
        browser.findElement(By.cssSelector("#nodes tbody tr[data-node=user_category_counters] a")).click();
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(text("#detail-sql")).startsWith("SELECT category_name"));
        screenshot("graph");
    }

    @Test
    void shouldFillTheRunGridAndShowAFailedCellsErrorAsTextWithAReRunButton() throws Exception {
        open("/runs.html");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#grid .sq[data-run-id]"))).hasSize(6));
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
        await().atMost(PAGE_TIMEOUT).untilAsserted(() -> assertThat(text("#rerun-result")).isEqualTo("queued"));
        assertThat(pipeline.state("user_category_counters", ConsolePipeline.DAY3)).isEqualTo("queued");
        await().atMost(PAGE_TIMEOUT).untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#grid .sq.state-queued"))).hasSize(1));
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
        screenshot("streams");
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
            assertThat(browser.findElements(By.cssSelector(".dashboard[data-ready=true]"))).hasSize(3);
            assertThat(text(".dashboard[data-dashboard=not_built]")).contains("waiting for cdm.user_product_counters");
            assertThat(browser.findElements(By.cssSelector("#mart-preview tbody tr"))).isNotEmpty();
        });
        awaitCanvasDrawn(".dashboard[data-dashboard=orders_by_category] .chart");
        awaitCanvasDrawn(".dashboard[data-dashboard=orders_line] .chart");
        assertThat(browser.findElements(By.cssSelector(".dashboard[data-dashboard=top_pairs] tbody tr"))).hasSize(5);
        screenshot("dashboards");
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
