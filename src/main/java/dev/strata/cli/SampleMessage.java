package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.config.ColumnType;
import dev.strata.config.DataTestConfig;
import dev.strata.config.HubConfig;
import dev.strata.config.JsonPath;
import dev.strata.config.LinkConfig;
import dev.strata.config.ProjectConfig;
import dev.strata.config.SatelliteConfig;
import dev.strata.config.SourceConfig;
import dev.strata.config.VaultExpression;
import dev.strata.config.VaultMapping;
import dev.strata.config.VaultSection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;


/**
 * A test message for a source, built from what the project reads of it, so that it lands in
 * {@code stg.<source>} and loads into the vault rather than going to dead letters or stopping a
 * load on a cast: every JSON path the vault reads from the source, with a value of the column's
 * declared type ({@code 1}, {@code "test"}, now, ...); the value its {@code filter} selects; its
 * {@code event_time} (now); its {@code key} paths. Where an {@code accepted_values} test of the
 * source or of a satellite it feeds names a value's column, the value is the first one accepted, so
 * the test message does not fail the project's own tests (and hold its marts back). One message per
 * run of this class has the same values, so sending it twice lands it twice only when the source
 * has no {@code key}.
 */
final class SampleMessage {
    private static final JsonNodeFactory NODES = new ObjectMapper().getNodeFactory();

    private SampleMessage() {
    }

    static String of(ProjectConfig project, SourceConfig source) {
        return of(project, source, Optional.empty());
    }

    /** The same, with a value at {@code keyPath} too (the {@code --key} of a Redis record). */
    static String of(ProjectConfig project, SourceConfig source, Optional<JsonPath> keyPath) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode root = NODES.objectNode();
        source.filter().ifPresent(f -> put(root, f.path().segments(), NODES.textNode(f.values().get(0))));
        VaultSection vault = project.vault();
        vault.hubs().values().forEach(h -> h.from().stream().filter(m -> m.source().equals(source.name()))
                .forEach(m -> keys(root, m, vault, now)));
        vault.links().values().forEach(l -> l.from().stream().filter(m -> m.source().equals(source.name()))
                .forEach(m -> keys(root, m, vault, now)));
        for (SatelliteConfig s : vault.satellites().values()) {
            for (VaultMapping m : s.from()) {
                if (m.source().equals(source.name())) {
                    keys(root, m, vault, now);
                    s.attributes().forEach((attr, type) -> {
                        VaultExpression e = m.attributes().get(attr);
                        if (e != null) {
                            set(root, m, e, type, now);
                        }
                    });
                    m.loadDt().ifPresent(e -> set(root, m, e, ColumnType.TIMESTAMPTZ, now));
                    for (DataTestConfig t : project.tests().of(s.name())) {
                        if (t.kind() == DataTestConfig.Kind.ACCEPTED_VALUES && !t.values().isEmpty()) {
                            for (DataTestConfig.Column c : t.columns()) {
                                VaultExpression e = m.attributes().get(c.name());
                                if (e != null && e.kind() == VaultExpression.Kind.PAYLOAD_PATH) {
                                    replace(root, e.path().segments(), t.values().get(0));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (DataTestConfig t : project.tests().of(source.name())) {
            if (t.kind() == DataTestConfig.Kind.ACCEPTED_VALUES && !t.values().isEmpty()) {
                t.columns().stream().filter(DataTestConfig.Column::isJsonPath)
                        .forEach(c -> replace(root, JsonPath.parse(c.name()).segments(), t.values().get(0)));
            }
        }
        source.eventTime().ifPresent(t -> put(root, t.segments(), NODES.textNode(now.toString())));
        int n = 1;
        for (JsonPath key : source.key()) {
            put(root, key.segments(), NODES.numberNode(n++));
        }
        keyPath.ifPresent(k -> put(root, k.segments(), NODES.textNode("test-1")));
        if (root.isEmpty()) {
            root.put("id", 1);
        }
        return root.toString();
    }

    /** The business key expressions of a mapping, typed by the key columns of the hub each refers to. */
    private static void keys(ObjectNode root, VaultMapping m, VaultSection vault, Instant now) {
        m.keys().forEach((ref, exprs) -> {
            HubConfig hub = hubOf(ref, vault);
            List<ColumnType> types = hub == null ? List.of() : List.copyOf(hub.keyColumns().values());
            for (int i = 0; i < exprs.size(); i++) {
                set(root, m, exprs.get(i), i < types.size() ? types.get(i) : ColumnType.TEXT, now);
            }
        });
    }

    /** A reference is a hub's name, or a link's role naming a hub. */
    private static HubConfig hubOf(String ref, VaultSection vault) {
        if (vault.hubs().containsKey(ref)) {
            return vault.hubs().get(ref);
        }
        for (LinkConfig l : vault.links().values()) {
            String hub = l.roles().get(ref);
            if (hub != null) {
                return vault.hubs().get(hub);
            }
        }
        return null;
    }

    private static void set(ObjectNode root, VaultMapping m, VaultExpression e, ColumnType type, Instant now) {
        JsonNode value = valueOf(type, now);
        if (e.kind() == VaultExpression.Kind.PAYLOAD_PATH) {
            put(root, e.path().segments(), value);
        } else if (e.kind() == VaultExpression.Kind.ITEM_PATH && m.each().isPresent()) {
            JsonNode array = at(root, m.each().get().segments());
            if (array == null) {
                put(root, m.each().get().segments(), NODES.arrayNode().add(NODES.objectNode()));
                array = at(root, m.each().get().segments());
            }
            if (array instanceof ArrayNode a && a.get(0) instanceof ObjectNode item) {
                put(item, e.path().segments(), value);
            }
        }
    }

    private static JsonNode valueOf(ColumnType type, Instant now) {
        return switch (type.kind()) {
            case SMALLINT, INTEGER, BIGINT, NUMERIC -> NODES.numberNode(1);
            case DOUBLE -> NODES.numberNode(1.5);
            case BOOLEAN -> NODES.booleanNode(true);
            case DATE -> NODES.textNode(LocalDate.ofInstant(now, ZoneOffset.UTC).toString());
            case TIMESTAMP, TIMESTAMPTZ -> NODES.textNode(now.toString());
            case JSON -> NODES.objectNode();
            case VARCHAR -> NODES.textNode(type.precision() > 0 && type.precision() < 4 ? "t" : "test");
            default -> NODES.textNode("test");
        };
    }

    private static JsonNode at(ObjectNode root, List<String> segments) {
        JsonNode at = root;
        for (String s : segments) {
            at = at == null ? null : at.get(s);
        }
        return at;
    }

    /** Sets {@code value} at the path, creating objects on the way; a path that runs into a value already set is left out. */
    private static void put(ObjectNode root, List<String> segments, JsonNode value) {
        if (segments.isEmpty()) {
            return;
        }
        ObjectNode at = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            JsonNode next = at.get(segments.get(i));
            if (next == null) {
                at = at.putObject(segments.get(i));
            } else if (next instanceof ObjectNode o) {
                at = o;
            } else {
                return;
            }
        }
        String last = segments.get(segments.size() - 1);
        if (!at.has(last)) {
            at.set(last, value);
        }
    }

    /** Sets the accepted {@code value} at the path (a number where the value set there was one and it reads as a number). */
    private static void replace(ObjectNode root, List<String> segments, String value) {
        if (segments.isEmpty()) {
            return;
        }
        JsonNode parent = at(root, segments.subList(0, segments.size() - 1));
        if (!(parent instanceof ObjectNode o)) {
            put(root, segments, NODES.textNode(value));
            return;
        }
        String last = segments.get(segments.size() - 1);
        JsonNode was = o.get(last);
        if (was != null && was.isNumber()) {
            try {
                o.set(last, NODES.numberNode(new java.math.BigDecimal(value)));
                return;
            } catch (NumberFormatException notANumber) {
                // a text value accepted for a numeric field: send it as text, as the test compares text
            }
        }
        o.set(last, NODES.textNode(value));
    }

    /** The same as a shell word: single-quoted, with any single quote escaped. */
    static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

}
