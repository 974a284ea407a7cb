package dev.strata.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails when vendor-only SQL leaks out of the warehouse adapters: scans the string constants of
 * every compiled main class outside {@code dev.strata.warehouse} (and {@code dev.strata.embedded},
 * which starts vendor servers by nature) for constructs that only some warehouses accept, and names
 * the class, the construct and the string. Such SQL belongs behind a capability of
 * {@code dev.strata.warehouse.WarehouseAdapter} (docs/warehouses.md).
 */
class VendorSqlLeakTest {
    /** Vendor-only constructs, with what they are. */
    static final Map<String, Pattern> CONSTRUCTS = new LinkedHashMap<>();

    static {
        CONSTRUCTS.put(":: cast (PostgreSQL)", Pattern.compile("::\\s*[A-Za-z_]"));
        CONSTRUCTS.put("DISTINCT ON (PostgreSQL)", Pattern.compile("(?i)\\bDISTINCT\\s+ON\\b"));
        CONSTRUCTS.put("ON CONFLICT (PostgreSQL)", Pattern.compile("(?i)\\bON\\s+CONFLICT\\b"));
        CONSTRUCTS.put("LATERAL (not in MariaDB)", Pattern.compile("(?i)\\bJOIN\\s+LATERAL\\b|\\bLATERAL\\s*\\("));
        CONSTRUCTS.put("jsonb (PostgreSQL)", Pattern.compile("(?i)\\bjsonb_[a-z_]+|(?i)\\bAS\\s+jsonb\\b|\\bjsonb\\s*[,)]|'jsonb'|\\bjsonb\\s+(NOT|NULL|PRIMARY)"));
        CONSTRUCTS.put("RETURNING (PostgreSQL, MariaDB 10.5 only on some statements)", Pattern.compile("\\bRETURNING\\b"));
        CONSTRUCTS.put("SKIP LOCKED (the claim belongs to TaskQueue)", Pattern.compile("(?i)\\bSKIP\\s+LOCKED\\b"));
        CONSTRUCTS.put("FILTER (WHERE (PostgreSQL)", Pattern.compile("(?i)\\bFILTER\\s*\\(\\s*WHERE\\b"));
        CONSTRUCTS.put("IS NOT DISTINCT FROM (not in MySQL)", Pattern.compile("(?i)\\bIS\\s+(NOT\\s+)?DISTINCT\\s+FROM\\b"));
        CONSTRUCTS.put("pg_ function or catalog (PostgreSQL)", Pattern.compile("\\bpg_[a-z_]+"));
        CONSTRUCTS.put("E'...' string (PostgreSQL)", Pattern.compile("(?<![A-Za-z0-9_'])E'"));
        CONSTRUCTS.put("GET_LOCK (MySQL)", Pattern.compile("(?i)\\bGET_LOCK\\s*\\("));
        CONSTRUCTS.put("backtick quoting (MySQL)", Pattern.compile("`[A-Za-z_][A-Za-z0-9_]*`\\s*\\.|\\.\\s*`[A-Za-z_][A-Za-z0-9_]*`|(?i)\\b(FROM|INTO|TABLE|JOIN)\\s+`"));
        CONSTRUCTS.put("ON DUPLICATE KEY (MySQL)", Pattern.compile("(?i)\\bON\\s+DUPLICATE\\s+KEY\\b"));
        CONSTRUCTS.put("generate_series (PostgreSQL)", Pattern.compile("(?i)\\bgenerate_series\\s*\\("));
        CONSTRUCTS.put("to_regclass / regclass (PostgreSQL)", Pattern.compile("(?i)\\b(to_)?regclass\\b"));
        CONSTRUCTS.put("VACUUM / CHECKPOINT (PostgreSQL)", Pattern.compile("\\b(VACUUM|CHECKPOINT)\\b"));
        CONSTRUCTS.put("current_setting/set_config (PostgreSQL)", Pattern.compile("(?i)\\b(current_setting|set_config)\\s*\\("));
        CONSTRUCTS.put("SEQUENCE DDL (sequences belong to StgSequences)", Pattern.compile("(?i)\\b(CREATE|DROP|ALTER)\\s+SEQUENCE\\b"));
        CONSTRUCTS.put("DROP SCHEMA ... CASCADE (MariaDB drops databases)", Pattern.compile("(?i)\\bDROP\\s+SCHEMA\\b"));
        CONSTRUCTS.put("SET LOCAL (PostgreSQL)", Pattern.compile("(?i)\\bSET\\s+LOCAL\\b"));
        CONSTRUCTS.put("nextval/setval (sequences belong to StgSequences)", Pattern.compile("(?i)\\b(nextval|setval)\\s*\\("));
        CONSTRUCTS.put("SELECT ... WHERE without FROM (MySQL needs FROM DUAL)", Pattern.compile("(?i)\\bSELECT\\s+(\\?|\\u0001)(\\s*,\\s*(\\?|\\u0001))*\\s+WHERE\\b"));
    }

    /** Packages whose code may spell vendor SQL: the adapters, and the embedded servers. */
    static final List<String> ALLOWED = List.of("dev/strata/warehouse/", "dev/strata/embedded/",
            // the retail example's check of its PL/pgSQL routine catalogue: scenario 004 defines it on pg_proc
            // (acceptance 9), and the example runs on PostgreSQL only (its project refuses another warehouse)
            "dev/strata/examples/retail/RetailRoutines.class",
            // the airline example's operational database and its hot standby: scenario 000's source is a
            // PostgreSQL (jsonb columns, a sequence, pg_hba rules of acceptance 2), whatever the warehouse is
            "dev/strata/examples/airline/AirlineDatabase.class", "dev/strata/examples/airline/AirlineReplicaChecks.class");

    record Leak(String className, String construct, String text) {
        @Override
        public String toString() {
            String shown = text.replace('\u0001', '…').replace("\n", "\\n");
            return className + ": " + construct + " in \"" + (shown.length() > 160 ? shown.substring(0, 157) + "..." : shown) + "\"";
        }
    }

    static List<Leak> scan(Path classes) throws IOException {
        List<Leak> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String rel = classes.relativize(f).toString().replace('\\', '/');
                if (ALLOWED.stream().anyMatch(rel::startsWith)) {
                    continue;
                }
                List<String> strings;
                try (InputStream in = Files.newInputStream(f)) {
                    strings = ClassFileStrings.of(in);
                }
                String className = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                for (String s : strings) {
                    CONSTRUCTS.forEach((what, p) -> {
                        if (p.matcher(s).find()) {
                            leaks.add(new Leak(className, what, s));
                        }
                    });
                }
            }
        }
        return leaks;
    }

    static Path mainClasses() throws URISyntaxException {
        // target/classes, beside target/test-classes where this class is
        Path tests = Path.of(VendorSqlLeakTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return tests.resolveSibling("classes");
    }

    @Test
    void shouldSpellNoVendorOnlySqlOutsideTheWarehouseAdapters() throws Exception {
        // -Dstrata.leakcheck.classes=<dir> scans another build's classes (e.g. an older commit's)
        String other = System.getProperty("strata.leakcheck.classes");
        List<Leak> leaks = scan(other != null ? Path.of(other) : mainClasses());
        assertThat(leaks).as("vendor-only SQL outside dev.strata.warehouse (move it behind a WarehouseAdapter capability)")
                .isEmpty();
    }

    @Test
    void shouldFindALeakWhenThereIsOne() throws Exception {
        // the check itself: it sees this test class's own constant, which is vendor SQL
        Path self = Path.of(VendorSqlLeakTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String leaking = "SELECT DISTINCT ON (k) k FROM t ON CONFLICT DO NOTHING";
        assertThat(scan(self)).extracting(Leak::text).contains(leaking);
        assertThat(scan(self)).extracting(Leak::className).contains(VendorSqlLeakTest.class.getName());
    }
}
