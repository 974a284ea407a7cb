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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Who may use the console: bind rule, token, host check, forged requests, headers, secrets. */
class ConsoleSecurityIT {
    private static final String TOKEN = "s3cret-token";
    private static final java.util.regex.Pattern REFUSED = java.util.regex.Pattern.compile("(?s)HTTP/1\\.1 (403|400) .*");

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

    /**
     * The DNS-rebinding bypass of issue 20 item 3: a page on 127.attacker.example (whose DNS answers
     * 127.0.0.1) sent the POST header and replayed dead letters, read their payloads and previewed marts.
     */
    @Test
    @Tag("reliability")
    void shouldRefuseRequestsForHostNamesThatMerelyStartWith127() throws Exception {
        try (ConsolePipeline p = ConsolePipeline.start(); ConsoleServer console = p.console()) {
            int port = console.port();
            for (String host : List.of("127.attacker.example:" + port, "127.evil.example", "127.0.0.1.nip.io:" + port,
                    "localhost.evil:" + port, "0x7f.1:" + port, "user@127.0.0.1:" + port)) {
                // 403 from the console; Jetty itself answers 400 to a Host with userinfo
                assertThat(raw(port, "POST", "/api/dead-letters/replay", host, ConsoleSecurity.REQUEST_HEADER + ": 1"))
                        .as("replay all, Host " + host).matches(REFUSED);
                assertThat(raw(port, "POST", "/api/dead-letters/" + p.xssDeadLetterId + "/replay", host,
                        ConsoleSecurity.REQUEST_HEADER + ": 1")).as("replay one, Host " + host).matches(REFUSED);
                String list = raw(port, "GET", "/api/dead-letters", host);
                assertThat(list).as("dead letters, Host " + host).matches(REFUSED).doesNotContain("onerror");
                String preview = raw(port, "GET", "/api/marts/user_category_counters/preview", host);
                assertThat(preview).as("mart preview, Host " + host).matches(REFUSED).doesNotContain("Pizza");
            }
            assertThat(p.replays).isEmpty();
            assertThat(p.count("SELECT count(*) FROM strata.dead_letters WHERE replayed_at IS NOT NULL")).isZero();
            // the loopback names themselves still work
            assertThat(raw(port, "GET", "/api/marts/user_category_counters/preview", "127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
            assertThat(raw(port, "GET", "/api/dead-letters", "[::1]:" + port)).startsWith("HTTP/1.1 200");
            assertThat(raw(port, "POST", "/api/dead-letters/" + p.xssDeadLetterId + "/replay", "localhost:" + port,
                    ConsoleSecurity.REQUEST_HEADER + ": 1")).startsWith("HTTP/1.1 200");
            assertThat(p.replays).containsExactly(p.xssDeadLetterId);
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

    /** A request with a chosen Host header and extra header lines, no body. */
    private static String raw(int port, String method, String path, String host, String... headerLines) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (String h : headerLines) {
                req.append(h).append("\r\n");
            }
            req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
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
