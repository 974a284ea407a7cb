package dev.strata.examples.retail;

import dev.strata.examples.Checks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Acceptance 9–11 (scenario 004 §5.3): the routine catalogue {@code cdm.insert_procedure_info()}
 * against the warehouse's own catalogue read here, its idempotency, an update of one routine, and
 * error isolation with a trigger that refuses one routine.
 */
final class RetailRoutines {
    private static final String CALL = "CALL cdm.insert_procedure_info()";
    private static final String PROBE = "cdm.retail_demo_probe()";
    private final RetailVerifier v;
    private final Path mostPopularFile;

    RetailRoutines(RetailVerifier v, Path mostPopularFile) {
        this.v = v;
        this.mostPopularFile = mostPopularFile;
    }

    /** The rows the catalogue must hold, from pg_proc (type and name made here, in Java, as §5.3 says). */
    private Map<String, List<String>> expected() throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        for (List<String> r : v.rows("SELECT n.nspname, p.proname, p.prokind, p.prosrc, "
                + "pg_get_function_identity_arguments(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname NOT LIKE 'pg_%' AND n.nspname <> 'information_schema'")) {
            String type = switch (r.get(2)) {
                case "f" -> "function";
                case "p" -> "procedure";
                case "a" -> "aggregate";
                case "w" -> "window";
                default -> "?" + r.get(2);
            };
            String name = r.get(0) + "." + r.get(1) + "(" + r.get(4) + ")";
            out.put(type + " " + name, List.of(type, name, r.get(3)));
        }
        return out;
    }

    private Map<String, List<String>> catalogue() throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        for (List<String> r : v.rows("SELECT type, name, code FROM cdm.stored_routines")) {
            out.put(r.get(0) + " " + r.get(1), r);
        }
        return out;
    }

    void check(Checks checks) throws Exception {
        // 9: after the runs' catalogue task
        Map<String, List<String>> expected = expected();
        Map<String, List<String>> got = catalogue();
        List<String> diffs = diff(expected, got);
        for (String must : List.of("function cdm.most_popular_product()", "procedure cdm.insert_procedure_info()")) {
            if (!got.containsKey(must)) {
                diffs.add("missing " + must);
            }
        }
        checks.check("9", diffs, String.format("cdm.stored_routines has exactly one row per routine outside the system "
                + "schemas (%d, among them cdm.most_popular_product() and cdm.insert_procedure_info()), type from prokind, "
                + "name with its identity arguments, code = prosrc", expected.size()));

        // 10: a second call changes nothing; a changed body updates exactly its row
        v.execute(CALL);
        Map<String, List<String>> second = catalogue();
        List<String> same = diff(got, second);
        String original = Files.readString(mostPopularFile);
        String changedBody = original.replace("DECLARE", "-- changed by strata demo retail\nDECLARE");
        v.execute(changedBody);
        v.execute(CALL);
        Map<String, List<String>> third = catalogue();
        List<String> changed = new ArrayList<>();
        third.forEach((k, r) -> {
            if (!r.equals(second.get(k))) {
                changed.add(k);
            }
        });
        v.execute(original);
        v.execute(CALL);
        List<String> d10 = new ArrayList<>(same);
        if (!changed.equals(List.of("function cdm.most_popular_product()"))
                || !third.get("function cdm.most_popular_product()").get(2).contains("changed by strata demo retail")) {
            d10.add("after CREATE OR REPLACE of cdm.most_popular_product() the rows changed were " + changed);
        }
        d10.addAll(diff(expected(), catalogue()));
        checks.check("10", d10, "a second call of insert_procedure_info() changed no row; after CREATE OR REPLACE of "
                + "cdm.most_popular_product() with another body, a call updated exactly that row's code");

        // 11: a trigger that refuses one routine: one error row, every other routine still catalogued
        v.execute("CREATE OR REPLACE FUNCTION cdm.retail_demo_probe() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE OR REPLACE FUNCTION cdm.retail_demo_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.name = '" + PROBE + "' THEN RAISE EXCEPTION 'refused by the demo''s trigger for %', NEW.name; "
                        + "END IF; RETURN NEW; END $$",
                "CREATE TRIGGER retail_demo_refuse BEFORE INSERT OR UPDATE ON cdm.stored_routines FOR EACH ROW "
                        + "EXECUTE FUNCTION cdm.retail_demo_refuse()");
        List<String> d11 = new ArrayList<>();
        long errorsBefore = v.count("SELECT count(*) FROM cdm.procedure_errors");
        String from = v.rows("SELECT clock_timestamp()").get(0).get(0);
        v.execute(CALL);
        String to = v.rows("SELECT clock_timestamp()").get(0).get(0);
        try {
            List<List<String>> errors = v.rows("SELECT name, error_message, execution_time >= CAST('" + from
                    + "' AS timestamptz) AND execution_time <= CAST('" + to + "' AS timestamptz) FROM cdm.procedure_errors "
                    + "ORDER BY execution_time DESC LIMIT " + Math.max(1, v.count("SELECT count(*) FROM cdm.procedure_errors")
                    - errorsBefore));
            long added = v.count("SELECT count(*) FROM cdm.procedure_errors") - errorsBefore;
            if (added != 1 || !errors.get(0).get(0).equals(PROBE) || errors.get(0).get(1).isBlank()
                    || !errors.get(0).get(2).equals("t")) {
                d11.add(added + " error rows added: " + errors);
            }
            Map<String, List<String>> now = catalogue();
            Map<String, List<String>> others = expected();
            others.remove("function " + PROBE);
            others.forEach((k, r) -> {
                if (!r.equals(now.get(k))) {
                    d11.add("not catalogued: " + k);
                }
            });
            if (now.containsKey("function " + PROBE)) {
                d11.add(PROBE + " catalogued despite the trigger");
            }
            checks.check("11", d11, String.format("a trigger refusing %s: exactly one cdm.procedure_errors row with its name, "
                    + "the message (\"%s\") and a time within the call; the other %d routines catalogued", PROBE,
                    errors.isEmpty() ? "" : errors.get(0).get(1), others.size()));
        } finally {
            v.execute("DROP TRIGGER IF EXISTS retail_demo_refuse ON cdm.stored_routines",
                    "DROP FUNCTION IF EXISTS cdm.retail_demo_refuse()", "DROP FUNCTION IF EXISTS cdm.retail_demo_probe()",
                    "DELETE FROM cdm.stored_routines WHERE name IN ('cdm.retail_demo_refuse()', '" + PROBE + "')");
        }
    }

    private static List<String> diff(Map<String, List<String>> expected, Map<String, List<String>> got) {
        List<String> diffs = new ArrayList<>();
        expected.forEach((k, r) -> {
            if (!got.containsKey(k)) {
                diffs.add("missing " + k);
            } else if (!r.equals(got.get(k))) {
                diffs.add(k + ": code differs");
            }
        });
        got.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diffs.add("unexpected " + k));
        return diffs;
    }
}
