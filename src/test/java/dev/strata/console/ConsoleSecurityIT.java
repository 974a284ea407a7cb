package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may use the console: bind rule, token, host check, forged requests, headers, secrets. */
class ConsoleSecurityIT {
    private static final String TOKEN = "s3cret-token";

    @Test
    void shouldRefuseToStartOnANonLoopbackInterfaceWithoutAToken() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start("console: { bind: 0.0.0.0 }")) {
            assertThatThrownBy(p::console)
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("console.bind is '0.0.0.0'")
                    .hasMessageContaining("console.token")
                    .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.CONFIG));
        }
    }

    @Test
    void shouldAnswer401WithoutTheTokenOrWithAWrongOneOnEveryPath() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start("console: { bind: 0.0.0.0, token: \"${CONSOLE_TOKEN}\" }");
             ConsoleServer console = p.console()) {
            Http http = new Http("http://127.0.0.1:" + console.port());
            for (String path : List.of("/", "/runs.html", "/common.js", "/api/info", "/api/dead-letters", "/api/runs", "/metrics",
                    "/webjars/echarts/5.3.1/dist/echarts.min.js")) {
                assertThat(http.get(path).status()).as("no token: " + path).isEqualTo(401);
                assertThat(http.get(path, "Authorization", "Bearer wrong").status()).as("wrong token: " + path).isEqualTo(401);
                assertThat(http.get(path, "Cookie", ConsoleSecurity.COOKIE + "=wrong").status()).as("wrong cookie: " + path).isEqualTo(401);
                assertThat(http.get(path + "?token=wrong").status()).as("wrong query token: " + path).isEqualTo(401);
                assertThat(http.get(path, "Authorization", "Bearer " + TOKEN).status()).as("bearer: " + path).isEqualTo(200);
            }
            assertThat(http.post("/api/dead-letters/1/replay", "").status()).isEqualTo(401);
            assertThat(p.replays).isEmpty();
            assertThat(http.get("/api/info").headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"strata\"");
        }
    }

    @Test
    void shouldLetABrowserCarryTheTokenInAnHttpOnlyCookieAfterOpeningAPageWithIt() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start("console: { token: \"${CONSOLE_TOKEN}\" }");
             ConsoleServer console = p.console()) {
            Http http = new Http(console.url());
            Http.Response first = http.get("/runs.html?token=" + TOKEN);
            assertThat(first.status()).as("redirects to drop the token from the address").isEqualTo(303);
            assertThat(first.headers().firstValue("Location")).hasValue("/runs.html");
            String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith(ConsoleSecurity.COOKIE + "=" + TOKEN).containsIgnoringCase("HttpOnly")
                    .containsIgnoringCase("SameSite=Strict");
            String pair = cookie.substring(0, cookie.indexOf(';'));
            assertThat(http.get("/runs.html", "Cookie", pair).status()).isEqualTo(200);
            assertThat(http.get("/api/runs", "Cookie", pair).status()).isEqualTo(200);
            assertThat(http.post("/api/runs/rerun", "{}", "Cookie", pair).status()).as("authorised, but bad body").isEqualTo(400);
        }
    }

    @Test
    void shouldRefuseRequestsForAForeignHostNameOnLoopback() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start(); ConsoleServer console = p.console()) {
            assertThat(rawGet(console.port(), "attacker.example:" + console.port(), "/api/dead-letters")).startsWith("HTTP/1.1 403");
            assertThat(rawGet(console.port(), "localhost:" + console.port(), "/api/info")).startsWith("HTTP/1.1 200");
            assertThat(rawGet(console.port(), "127.0.0.1:" + console.port(), "/api/info")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void shouldRefuseStateChangingRequestsWithoutTheRequestHeader() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start(); ConsoleServer console = p.console()) {
            Http http = new Http(console.url());
            long id = p.xssDeadLetterId;
            Http.Response formPost = http.postRaw("/api/dead-letters/" + id + "/replay", "a=b",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertThat(formPost.status()).isEqualTo(400);
            assertThat(formPost.json().get("error").asText()).contains(ConsoleSecurity.REQUEST_HEADER);
            assertThat(p.replays).isEmpty();
            assertThat(p.count("SELECT count(*) FROM strata.dead_letters WHERE replayed_at IS NOT NULL")).isZero();
        }
    }

    @Test
    void shouldSendHeadersThatForbidFramingSniffingAndForeignScripts() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start(); ConsoleServer console = p.console()) {
            Http.Response page = new Http(console.url()).get("/dead-letters.html");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'").contains("frame-ancestors 'none'").contains("object-src 'none'");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        }
    }

    @Test
    void shouldNeverSendTheTokenOrOtherSecretsToThePage() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start("console: { token: \"${CONSOLE_TOKEN}\" }");
             ConsoleServer console = p.console()) {
            Http http = new Http(console.url());
            for (String path : List.of("/", "/api/info", "/api/graph", "/api/runs", "/api/streams", "/api/dead-letters",
                    "/api/dashboards", "/api/marts", "/api/graph/nodes/orders")) {
                String body = http.get(path, "Authorization", "Bearer " + TOKEN).body();
                assertThat(body).as(path).doesNotContain(TOKEN).doesNotContain("kafka-secret-value")
                        .doesNotContain("sasl.jaas.config");
            }
            assertThat(console.url()).doesNotContain(TOKEN);
        }
    }

    /** A request with a chosen Host header (java.net.http does not let one set it). */
    private static String rawGet(int port, String host, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
