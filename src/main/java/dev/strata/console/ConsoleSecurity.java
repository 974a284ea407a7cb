package dev.strata.console;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.ConsoleConfig;
import dev.strata.config.Secret;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's access rules, applied before every request (pages, API, metrics):
 * <ul>
 *   <li><b>Bind.</b> Loopback by default. Any other interface requires {@code console.token}; without
 *       one the console refuses to start ({@link #checkBind}).</li>
 *   <li><b>Token.</b> When a token is set, a request carries it as {@code Authorization: Bearer <token>}
 *       (scripts, Prometheus) or in the HttpOnly, SameSite=Strict cookie {@value #COOKIE}, which a
 *       browser gets by opening any page once with {@code ?token=<token>} (the console then
 *       redirects to the same page without it, so the token does not stay in the address bar or
 *       history). Anything else is 401. Tokens are compared in constant time.</li>
 *   <li><b>Host.</b> On loopback without a token the {@code Host} header must name the loopback
 *       interface literally ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}, optional port; see
 *       {@link #hostIsLoopback}), so a web page on another site cannot reach the console through DNS
 *       rebinding: its requests carry the attacker's host name, whatever address that name resolves to.</li>
 *   <li><b>Forged requests.</b> Requests that change something (POST) must carry the header
 *       {@value #REQUEST_HEADER}; a page on another site cannot add one to a cross-site request
 *       without a CORS preflight, which the console never grants.</li>
 *   <li><b>Headers.</b> Every answer forbids framing, MIME sniffing and scripts from anywhere but the
 *       console itself (Content-Security-Policy), so text that slipped into HTML still cannot run.</li>
 * </ul>
 */
final class ConsoleSecurity {
    static final String COOKIE = "strata_token";
    static final String REQUEST_HEADER = "X-Strata-Request";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";
    /** {@code localhost}, {@code 127.a.b.c} (decimal octets without leading zeros) or {@code [::1]}, then an optional port. */
    private static final Pattern LOOPBACK_HOST = Pattern.compile(
            "(?:(?i:localhost)|(?<v4>127(?:\\.(?:0|[1-9][0-9]{0,2})){3})|\\[::1])(?::(?<port>[0-9]+))?");

    private final byte[] token;
    private final boolean loopback;

    private ConsoleSecurity(byte[] token, boolean loopback) {
        this.token = token;
        this.loopback = loopback;
    }

    /** Checks the bind address against the token rule; throws a config error naming the keys when violated. */
    static ConsoleSecurity checkBind(ConsoleConfig config) {
        boolean loopback = isLoopback(config.bind());
        if (!loopback && config.token().isEmpty()) {
            throw new StrataException(ErrorCode.CONFIG, "console.bind is '" + config.bind()
                    + "', which is not a loopback address: set console.token (e.g. token: ${STRATA_CONSOLE_TOKEN}) "
                    + "or bind to 127.0.0.1");
        }
        Secret t = config.token();
        return new ConsoleSecurity(t.isEmpty() ? null : t.reveal().getBytes(StandardCharsets.UTF_8), loopback);
    }

    static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new StrataException(ErrorCode.CONFIG, "console.bind: cannot resolve '" + bind + "'");
        }
    }

    boolean hasToken() {
        return token != null;
    }

    /** The before-handler: answers 401/403/400 and stops, or lets the request through. */
    void check(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cache-Control", "no-store");
        if (loopback && token == null && !hostIsLoopback(ctx.host())) {
            throw new ApiException(403, "the console answers only to requests for the loopback address");
        }
        if (token != null) {
            String fromQuery = ctx.queryParam("token");
            if (fromQuery != null && matches(fromQuery)) {
                ctx.cookie(new Cookie(COOKIE, fromQuery, "/", -1, false, 0, true, null, null, SameSite.STRICT));
                if (ctx.method() == HandlerType.GET && !ctx.path().startsWith("/api/") && !ctx.path().equals("/metrics")) {
                    ctx.redirect(ctx.path(), io.javalin.http.HttpStatus.SEE_OTHER);
                    ctx.skipRemainingHandlers();
                    return;
                }
            } else if (!matches(bearer(ctx)) && !matches(ctx.cookie(COOKIE))) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"strata\"");
                throw new ApiException(401, "a token is required: send 'Authorization: Bearer <token>', "
                        + "or open the console once with ?token=<token>");
            }
        }
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD && ctx.method() != HandlerType.OPTIONS
                && ctx.header(REQUEST_HEADER) == null) {
            throw ApiException.badRequest("requests that change something must carry the header " + REQUEST_HEADER);
        }
    }

    private static String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).trim();
        }
        return null;
    }

    private boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether a {@code Host} header names the loopback interface literally: {@code localhost}, an
     * IPv4 address in {@code 127.0.0.0/8} written as four canonical decimal octets, or {@code [::1]},
     * each with an optional decimal port. Browsers send exactly these forms for a loopback URL (they
     * canonicalise {@code 0x7f.1} or {@code 127.1} to {@code 127.0.0.1} before sending), so anything
     * else is a name some DNS server chose to resolve to us: a rebinding page. A missing or empty
     * Host is refused too (HTTP/1.1 requires one, and every client Strata supports sends it).
     */
    static boolean hostIsLoopback(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        Matcher m = LOOPBACK_HOST.matcher(hostHeader);
        if (!m.matches()) {
            return false;
        }
        String port = m.group("port");
        if (port != null && (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
            return false;
        }
        String v4 = m.group("v4");
        if (v4 == null) {
            return true; // localhost or [::1]
        }
        for (String octet : v4.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
