package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Host check that keeps a web page on another site from reaching a loopback console through
 * DNS rebinding (issue 20 item 3): only the literal loopback names a browser sends for a loopback
 * URL pass; every name an attacker's DNS can point at 127.0.0.1 is refused.
 */
@Tag("reliability")
class ConsoleHostHeaderTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "localhost", "localhost:7070", "LOCALHOST:7070", "Localhost",
            "127.0.0.1", "127.0.0.1:7070", "127.0.0.1:1", "127.0.0.1:65535",
            "127.1.2.3", "127.255.255.255:80", "127.0.0.0",
            "[::1]", "[::1]:7070"})
    void shouldAcceptTheLiteralLoopbackNames(String host) {
        assertThat(ConsoleSecurity.hostIsLoopback(host)).as(host).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            // names an attacker's DNS can resolve to 127.0.0.1 (the bypass of issue 20)
            "127.attacker.example", "127.attacker.example:7070", "127.evil.example", "127.evil.example:7070",
            "127.0.0.1.nip.io", "127.0.0.1.nip.io:7070", "127-0-0-1.nip.io", "localhost.evil", "localhost.evil:7070",
            "evil.localhost", "localhost.", "127.0.0.1.", "attacker.example", "attacker.example:7070",
            // numeric spellings a browser never sends in Host (it writes 127.0.0.1)
            "0x7f.1", "0x7f000001", "0177.0.0.1", "127.1", "127.0.1", "2130706433", "127.0.0.01", "127.000.000.001",
            "127.0.0.256", "127.0.0.1.1", "127.0.0", "128.0.0.1", "0.0.0.0", "10.0.0.1", "１２７.0.0.1",
            // IPv6 forms other than the canonical [::1]
            "::1", "[::1", "::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1]evil", "[::1]:",
            "[::1]:70x", "[::2]",
            // userinfo, paths and other tricks
            "user@127.0.0.1", "127.0.0.1@attacker.example", "attacker.example@127.0.0.1", "localhost@evil",
            "127.0.0.1/evil", "127.0.0.1#evil", "127.0.0.1?x", "127.0.0.1\\evil", "127.0.0.1%2eevil",
            // ports that are not a port
            "127.0.0.1:", "127.0.0.1:0x1f90", "127.0.0.1:-1", "127.0.0.1:65536", "127.0.0.1:99999999999",
            "127.0.0.1:80:80", "localhost:", "localhost:abc", "127.0.0.1: 80",
            // whitespace and control characters
            " ", " 127.0.0.1", "127.0.0.1 ", "127.0.0.1\t", "local host", "127.0.0.1\r\nX-Evil: 1"})
    void shouldRefuseEveryOtherHost(String host) {
        assertThat(ConsoleSecurity.hostIsLoopback(host)).as("'" + host + "'").isFalse();
    }
}
