package dev.strata.config;

import java.util.Objects;

/**
 * Where a vault column's value comes from in one STG row: a JSON path into {@code _payload}
 * ({@code $.payload.user.id}), a path into the current array item of an {@code each:} mapping
 * ({@code $item.id}, or {@code $item} for the item itself), or an STG column ({@code _key}).
 *
 * @param text   as written, for messages and plans
 * @param path   the JSON path (for {@link Kind#ITEM_PATH} relative to the item); null for columns
 * @param column the STG column name; null for paths
 */
public record VaultExpression(Kind kind, String text, JsonPath path, String column) {
    /** The three places a value can come from. */
    public enum Kind {
        /** {@code $.a.b}: the text at a path of the row's {@code _payload}. */
        PAYLOAD_PATH,
        /** {@code $item.a}: the text at a path of the current {@code each:} item. */
        ITEM_PATH,
        /** {@code _key}, {@code _event_time}, ...: an STG column as it is typed there. */
        COLUMN
    }

    public VaultExpression {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(text);
        if ((kind == Kind.COLUMN) != (column != null) || (kind == Kind.COLUMN) == (path != null)) {
            throw new IllegalArgumentException("a column expression has a column name, a path expression a path");
        }
    }

    public static VaultExpression payload(JsonPath path) {
        return new VaultExpression(Kind.PAYLOAD_PATH, path.text(), path, null);
    }

    public static VaultExpression item(JsonPath relative) {
        String text = "$item" + relative.text().substring(1);
        return new VaultExpression(Kind.ITEM_PATH, text, relative, null);
    }

    public static VaultExpression column(String name) {
        return new VaultExpression(Kind.COLUMN, name, null, name);
    }

    @Override
    public String toString() {
        return text;
    }
}
